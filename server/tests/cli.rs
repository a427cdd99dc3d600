//! The `server` command line as an operator meets it: usage on `--help`, a short error (not a
//! stack trace) on a typo, with the exit codes scripts rely on.

use std::process::{Command, Output};

fn server(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_server"))
        .args(args)
        // Nothing here may reach a database: a wrong one makes that obvious.
        .env("APP__DATABASE__URL", "postgres://nobody@127.0.0.1:1/none")
        .output()
        .expect("the server binary runs")
}

#[test]
fn help_prints_the_usage_and_exits_zero() {
    let out = server(&["--help"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("Usage: server"), "{stdout}");
    for command in ["serve", "migrate", "create-admin", "reindex"] {
        assert!(stdout.contains(command), "{command} is listed: {stdout}");
    }
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!stdout.contains("backtrace") && !stdout.contains("Error"));

    let out = server(&["create-admin", "--help"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout.contains("<EMAIL> <NAME>"), "{stdout}");
}

#[test]
fn an_unknown_command_prints_the_usage_and_exits_two() {
    for args in [
        &["serv"][..],
        &["create-admin", "only@example.vn"],
        &["--port", "80"],
    ] {
        let out = server(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("Usage: server"), "{args:?}: {stderr}");
        assert!(
            !stderr.contains("stack backtrace") && !stderr.contains("panicked"),
            "{stderr}"
        );
        assert!(out.stdout.is_empty());
    }
}
