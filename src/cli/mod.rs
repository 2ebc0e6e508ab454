//! Command-line parts beyond `eval` of one file and `check`: templates, batches and made-up
//! submissions. Only the binary uses these; they read and write files, the terminal and the
//! clock, which the library never does.

pub mod batch;
pub mod generate;
pub mod template;

use std::io::{IsTerminal, Write};
use std::path::Path;

/// Writes `bytes` to `path`, or to standard output when there is none. Binary output (XLSX)
/// is refused on a terminal, where it would show as garbage.
pub fn write_output(path: Option<&Path>, bytes: &[u8], binary: bool) -> Result<(), String> {
    match path {
        Some(p) => std::fs::write(p, bytes).map_err(|e| format!("无法写入 {}：{e}", p.display())),
        None if binary && std::io::stdout().is_terminal() => {
            Err("XLSX 是二进制文件，不能输出到屏幕；请用 -o 指定输出文件，如 -o 模板.xlsx".into())
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)
                .and_then(|()| out.flush())
                .map_err(|e| format!("无法输出：{e}"))
        }
    }
}

/// The calendar year now (UTC), from the system clock.
pub fn current_year() -> i32 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    // Howard Hinnant's civil_from_days, year part.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    i32::try_from(year).unwrap_or(2000)
}
