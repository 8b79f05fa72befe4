//! A scripted server for unit tests: reads come from a fixed byte string, writes are recorded.

use std::io::{self, Read, Write};
use std::sync::{Arc, Mutex};

#[derive(Debug)]
pub struct MockStream {
    input: io::Cursor<Vec<u8>>,
    written: Arc<Mutex<Vec<u8>>>,
}

impl MockStream {
    pub fn new(server: &[u8]) -> MockStream {
        MockStream { input: io::Cursor::new(server.to_vec()), written: Arc::default() }
    }

    /// What the client wrote, shared so it can be read after the stream is moved.
    pub fn written(&self) -> Arc<Mutex<Vec<u8>>> {
        Arc::clone(&self.written)
    }
}

impl Read for MockStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.input.read(buf)
    }
}

impl Write for MockStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.written.lock().map_err(|_| io::Error::other("poisoned"))?.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
