//! The terminal: every byte the command line prints goes through here, so a closed pipe is an
//! I/O error handled in one place (`io::ErrorKind`), never a panic inside `print!`.
//!
//! Standard output carries the result (a report, a ranking, lint findings). When it cannot be
//! written — the reader went away (`zhibiao eval … | head -1`), the disk is full — that is
//! remembered, and the program's exit code says the output was lost (see `main`). Standard error
//! carries messages for the person; when it is closed there is no one to tell, so failures to
//! write it are ignored and only the exit code speaks.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set when writing standard output failed.
static STDOUT_LOST: AtomicBool = AtomicBool::new(false);

/// Writes `bytes` to standard output. Returns whether all of them were written; a failure is
/// remembered for the exit code.
pub fn write_stdout(bytes: &[u8]) -> bool {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => true,
        Err(_) => {
            STDOUT_LOST.store(true, Ordering::SeqCst);
            false
        }
    }
}

/// Standard output given to `write`, buffered, for output made as it is written; the same as
/// [`write_stdout`] otherwise.
pub fn write_stdout_with(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> bool {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Ok(()) => true,
        Err(_) => {
            STDOUT_LOST.store(true, Ordering::SeqCst);
            false
        }
    }
}

/// Writes `bytes` to standard error, ignoring a closed or broken stream.
pub fn write_stderr(bytes: &[u8]) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(bytes).and_then(|()| err.flush());
}

/// Whether some of standard output could not be written.
pub fn stdout_lost() -> bool {
    STDOUT_LOST.load(Ordering::SeqCst)
}

/// `print!` to standard output through [`write_stdout`].
macro_rules! out {
    ($($t:tt)*) => {{
        $crate::term::write_stdout(format!($($t)*).as_bytes());
    }};
}

/// `println!` to standard output through [`write_stdout`].
macro_rules! outln {
    () => {{
        $crate::term::write_stdout(b"\n");
    }};
    ($($t:tt)*) => {{
        let mut text = format!($($t)*);
        text.push('\n');
        $crate::term::write_stdout(text.as_bytes());
    }};
}

/// `eprint!` to standard error through [`write_stderr`].
macro_rules! err {
    ($($t:tt)*) => {{
        $crate::term::write_stderr(format!($($t)*).as_bytes());
    }};
}

/// `eprintln!` to standard error through [`write_stderr`], made printable first
/// ([`zhibiao::text::printable`]): the messages name files, districts and keys the user wrote,
/// and a file name with a control character or an escape sequence must not reach the terminal.
/// Rendered diagnostics, which colour themselves and clean their user text, use
/// [`diagln!`].
macro_rules! errln {
    () => {{
        $crate::term::write_stderr(b"\n");
    }};
    ($($t:tt)*) => {{
        let mut text = format!($($t)*);
        text.push('\n');
        $crate::term::write_stderr(zhibiao::text::printable(&text).as_bytes());
    }};
}

/// A rendered diagnostic (with its own colours, its user text already cleaned by the renderer)
/// to standard error, as it is.
macro_rules! diagln {
    ($($t:tt)*) => {{
        let mut text = format!($($t)*);
        text.push('\n');
        $crate::term::write_stderr(text.as_bytes());
    }};
}
