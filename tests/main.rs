mod imap;
