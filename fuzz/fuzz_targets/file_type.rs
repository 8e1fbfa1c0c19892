//! The shared-file checks: any name and any bytes are either accepted with a media type of
//! the allowed list or refused with a 4xx, never a panic. The first byte picks how the rest
//! splits into a name and the content.

#![no_main]

use libfuzzer_sys::fuzz_target;
use switchboard_server::server::files_check::{check_content, check_file, check_name};

const ALLOWED: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "webp", "pdf", "txt", "log", "csv", "json", "zip", "docx", "xlsx",
];

fuzz_target!(|data: &[u8]| {
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    let split = usize::from(split).min(rest.len());
    let (name, content) = rest.split_at(split);
    let name = String::from_utf8_lossy(name);
    let allowed: Vec<String> = ALLOWED.iter().map(|s| (*s).to_owned()).collect();
    match check_file(&name, content, &allowed, 1024) {
        Ok(checked) => {
            assert!(allowed.contains(&checked.extension));
            assert!(!content.is_empty() && content.len() <= 1024);
            assert_eq!(check_content(&checked, content), Ok(()));
        }
        Err(refusal) => assert!(refusal.status.is_client_error()),
    }
    if let Ok(checked) = check_name(&name, &allowed) {
        assert!(!checked.name.is_empty() && !checked.name.starts_with('.'));
        assert!(!checked.name.contains(['/', '\\']));
    }
});
