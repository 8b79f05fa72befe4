Return-Path: <>
Delivered-To: bounces+a.rossi.1990=gmail.com@lists.example.com
Received: from mta2.lists.example.com (mta2.lists.example.com [203.0.113.26])
	by inbound.lists.example.com (Postfix) with ESMTPS id 4dQ82K0sVmz5Fh9
	for <bounces+a.rossi.1990=gmail.com@lists.example.com>; Tue, 17 Nov 2026 09:30:31 +0000 (UTC)
Received: by mta2.lists.example.com (Postfix)
	id 4dQ82G5bWxz6Tk2; Tue, 17 Nov 2026 09:30:30 +0000 (UTC)
Date: Tue, 17 Nov 2026 09:30:30 +0000 (UTC)
From: MAILER-DAEMON@mta2.lists.example.com (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: bounces+a.rossi.1990=gmail.com@lists.example.com
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
	boundary="4dQ82G5bWxz6Tk2.1794907830/mta2.lists.example.com"
Content-Transfer-Encoding: 8bit
Message-Id: <4dQ82H0zGkz6Tk4@mta2.lists.example.com>

This is a MIME-encapsulated message.

--4dQ82G5bWxz6Tk2.1794907830/mta2.lists.example.com
Content-Description: Notification
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

This is the mail system at host mta2.lists.example.com.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

For further assistance, please send mail to postmaster.

If you do so, please include this problem report. You can
delete your own text from the attached returned message.

                   The mail system

<a.rossi.1990@gmail.com>: host
    gmail-smtp-in.l.google.com[2001:db8:4860:4864:20::1b] said: 550-5.1.1 The
    email account that you tried to reach does not exist. Please try
    550-5.1.1 double-checking the recipient's email address for typos or
    550-5.1.1 unnecessary spaces. For more information, go to 550 5.1.1
    https://support.google.com/mail/?p=NoSuchUser
    d75a77b69052e-4b2f1e6a0c3si9874512cf.214 - gsmtp (in reply to RCPT TO
    command)

--4dQ82G5bWxz6Tk2.1794907830/mta2.lists.example.com
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mta2.lists.example.com
X-Postfix-Queue-ID: 4dQ82G5bWxz6Tk2
X-Postfix-Sender: rfc822; bounces+a.rossi.1990=gmail.com@lists.example.com
Arrival-Date: Tue, 17 Nov 2026 09:30:29 +0000 (UTC)

Final-Recipient: rfc822; a.rossi.1990@gmail.com
Original-Recipient: rfc822;a.rossi.1990@gmail.com
Action: failed
Status: 5.1.1
Remote-MTA: dns; gmail-smtp-in.l.google.com
Diagnostic-Code: smtp; 550-5.1.1 The email account that you tried to reach does
    not exist. Please try 550-5.1.1 double-checking the recipient's email
    address for typos or 550-5.1.1 unnecessary spaces. For more information, go
    to 550 5.1.1  https://support.google.com/mail/?p=NoSuchUser
    d75a77b69052e-4b2f1e6a0c3si9874512cf.214 - gsmtp

--4dQ82G5bWxz6Tk2.1794907830/mta2.lists.example.com
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers
Content-Transfer-Encoding: 8bit

Return-Path: <bounces+a.rossi.1990=gmail.com@lists.example.com>
Received: from app3.lists.example.com (app3.lists.example.com [203.0.113.40])
	by mta2.lists.example.com (Postfix) with ESMTPS id 4dQ82G5bWxz6Tk2
	for <a.rossi.1990@gmail.com>; Tue, 17 Nov 2026 09:30:29 +0000 (UTC)
From: Example Outfitters <news@news.example.com>
To: a.rossi.1990@gmail.com
Subject: Your November picks: trail gear up to 30% off
Date: Tue, 17 Nov 2026 09:30:28 +0000
Message-ID: <20261117093028.41736.c2611a@news.example.com>
MIME-Version: 1.0
List-Id: Example Outfitters News <news.lists.example.com>
List-Unsubscribe: <https://example.com/u/Wr9Kc2Lp6Xt1Nv4Bq8Zs>,
 <mailto:unsubscribe+Wr9Kc2Lp6Xt1Nv4Bq8Zs@lists.example.com>
List-Unsubscribe-Post: List-Unsubscribe=One-Click
Feedback-ID: c2611a:newsletter:outfitters:exampleco
X-Listhygiene-Rid: v1.41736.c2611a.Tn3Vb6Qx9Lk2Wc5Rm8Hd
Content-Type: multipart/alternative; boundary="=_alt_c2611a_41736"

--4dQ82G5bWxz6Tk2.1794907830/mta2.lists.example.com--
