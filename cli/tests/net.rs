//! `--allow-net`: a Go guest's `net/http` client reaches a local test server through the
//! host's `fetch` on every engine; without the option the guest has no `fetch` (Go reports
//! its own error), hosts not allowed are refused by name, and `--timeout` still stops a
//! guest waiting on a slow response.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const ENGINES: [&str; 3] = ["wasmtime", "wasmer", "wasmi"];

fn wasmexec(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wasmexec"))
        .arg("--no-cache")
        .args(args)
        .env_remove("WASMEXEC_ENGINE")
        .env_remove("WASMEXEC_ALLOW_NET")
        .output()
        .expect("run wasmexec")
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace")
        .to_path_buf()
}

/// Builds the guest once per test binary.
fn guest() -> String {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    let out = BUILT.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("wasmexec-net-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temporary directory");
        let out = dir.join("net_client.wasm");
        let status = Command::new("go")
            .args(["build", "-trimpath", "-buildvcs=false", "-o"])
            .arg(&out)
            .arg("./net_client")
            .current_dir(repo().join("go-guests"))
            .env("GOOS", "js")
            .env("GOARCH", "wasm")
            .status()
            .expect("go on PATH");
        assert!(status.success());
        out
    });
    out.to_string_lossy().into_owned()
}

/// When each server (by port) got a request for `/slow`.
static SLOW_REQUESTS: std::sync::Mutex<Vec<(u16, Instant)>> = std::sync::Mutex::new(Vec::new());

/// A request as the test server saw it.
struct Seen {
    method: String,
    path: String,
    content_type: String,
    body: String,
}

fn read_request(stream: &mut BufReader<TcpStream>) -> Option<Seen> {
    let mut line = String::new();
    stream.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next()?.to_string(), parts.next()?.to_string());
    let (mut length, mut content_type) = (0, String::new());
    loop {
        let mut header = String::new();
        stream.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse().ok()?,
            "content-type" => content_type = value.trim().to_string(),
            _ => {}
        }
    }
    let mut body = vec![0; length];
    stream.read_exact(&mut body).ok()?;
    let body = String::from_utf8_lossy(&body).into_owned();
    Some(Seen {
        method,
        path,
        content_type,
        body,
    })
}

/// Answers one connection (one request, then close).
fn answer(stream: TcpStream, port: u16) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(stream);
    let Some(seen) = read_request(&mut reader) else {
        return;
    };
    let mut stream = reader.into_inner();
    let (status, extra, body) = match seen.path.as_str() {
        "/ok" => (
            "200 OK",
            "X-Test: yes\r\n".to_string(),
            "hello from the test server".to_string(),
        ),
        "/echo" => (
            "200 OK",
            format!(
                "X-Seen-Method: {}\r\nX-Seen-Content-Type: {}\r\n",
                seen.method, seen.content_type
            ),
            format!("got {:?}", seen.body),
        ),
        "/redirect" => ("302 Found", "Location: /ok\r\n".into(), String::new()),
        "/away" => (
            "302 Found",
            format!("Location: http://localhost:{port}/ok\r\n"),
            String::new(),
        ),
        "/slow" => {
            if let Ok(mut seen) = SLOW_REQUESTS.lock() {
                seen.push((port, Instant::now()));
            }
            std::thread::sleep(Duration::from_secs(10));
            ("200 OK", String::new(), "too late".into())
        }
        _ => ("404 Not Found", String::new(), "no such page".into()),
    };
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/plain\r\n{extra}Content-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes());
}

/// Starts a server on 127.0.0.1 that answers until the test process ends; its port.
fn server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let port = listener.local_addr().expect("local address").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || answer(stream, port));
        }
    });
    port
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn allowed_hosts_are_fetched_on_every_engine() {
    let port = server();
    let base = format!("http://127.0.0.1:{port}");
    let allow = format!("127.0.0.1:{port}");
    for engine in ENGINES {
        let (ok, echo, missing, redirect) = (
            format!("{base}/ok"),
            format!("{base}/echo"),
            format!("{base}/missing"),
            format!("{base}/redirect"),
        );
        let out = wasmexec(&[
            "--engine",
            engine,
            "--allow-net",
            &allow,
            &guest(),
            "get",
            &ok,
            "post",
            &echo,
            "a body",
            "get",
            &missing,
            "get",
            &redirect,
        ]);
        let (stdout, stderr) = text(&out);
        assert!(out.status.success(), "{engine}: {stdout}\n{stderr}");
        let expected = [
            format!("GET {ok}"),
            "status: 200 OK".into(),
            format!("url: {ok}"),
            "header Content-Type: text/plain".into(),
            "header X-Test: yes".into(),
            "body: \"hello from the test server\"".into(),
            format!("POST {echo}"),
            "status: 200 OK".into(),
            "header X-Seen-Method: POST".into(),
            "header X-Seen-Content-Type: text/plain".into(),
            "body: \"got \\\"a body\\\"\"".into(),
            format!("GET {missing}"),
            "status: 404 Not Found".into(),
            "body: \"no such page\"".into(),
            format!("GET {redirect}"),
            "status: 200 OK".into(),
            format!("url: {ok}"),
            "body: \"hello from the test server\"".into(),
        ];
        let mut lines = stdout.lines();
        for want in &expected {
            assert!(
                lines.any(|l| l == want),
                "{engine}: no line {want:?} (in order) in:\n{stdout}\n{stderr}"
            );
        }
    }
}

#[test]
fn without_allow_net_the_guest_has_no_fetch() {
    let port = server();
    let url = format!("http://127.0.0.1:{port}/ok");
    for engine in ENGINES {
        let out = wasmexec(&["--engine", engine, &guest(), "get", &url]);
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(1), "{engine}: {stdout}\n{stderr}");
        // Go's own transport, as under a JS host without fetch: its fake network has no
        // such listener.
        let want = format!("error: Get \"{url}\": dial tcp 127.0.0.1:{port}: ");
        assert!(stdout.contains(&want), "{engine}: {stdout}\n{stderr}");
        assert!(!stdout.contains("fetch"), "{engine}: {stdout}");
    }
}

#[test]
fn other_hosts_are_refused_by_name() {
    let port = server();
    let url = format!("http://127.0.0.1:{port}/ok");
    let away = format!("http://127.0.0.1:{port}/away");
    for engine in ENGINES {
        let out = wasmexec(&[
            "--engine",
            engine,
            "--allow-net",
            "example.com",
            &guest(),
            "get",
            &url,
        ]);
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(1), "{engine}: {stdout}\n{stderr}");
        let want = format!(
            "error: Get \"{url}\": net/http: fetch() failed: TypeError: fetch to \
             127.0.0.1:{port} refused: not in --allow-net"
        );
        assert!(stdout.contains(&want), "{engine}: {stdout}\n{stderr}");
        // A redirect to a host not allowed is refused too.
        let allow = format!("127.0.0.1:{port}");
        let out = wasmexec(&[
            "--engine",
            engine,
            "--allow-net",
            &allow,
            &guest(),
            "get",
            &away,
        ]);
        let (stdout, stderr) = text(&out);
        let want = format!("fetch to localhost:{port} refused: not in --allow-net");
        assert!(stdout.contains(&want), "{engine}: {stdout}\n{stderr}");
    }
}

#[test]
fn timeout_stops_a_guest_waiting_on_a_slow_response() {
    let port = server();
    let url = format!("http://127.0.0.1:{port}/slow");
    let allow = format!("127.0.0.1:{port}");
    for engine in ENGINES {
        let out = wasmexec(&[
            "--engine",
            engine,
            "--timeout",
            "2s",
            "--allow-net",
            &allow,
            &guest(),
            "get",
            &url,
        ]);
        let ended = Instant::now();
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(124), "{engine}: {stdout}\n{stderr}");
        assert!(stderr.contains("wasmexec: timeout"), "{engine}: {stderr}");
        // The guest stopped at its deadline, not when the response came 10 s later
        // (measured from the request, as compiling the guest does not count).
        let asked = SLOW_REQUESTS
            .lock()
            .expect("the server's record")
            .iter()
            .rev()
            .find(|(p, _)| *p == port)
            .map(|(_, at)| *at)
            .expect("the guest asked for /slow");
        let waited = ended - asked;
        assert!(
            waited < Duration::from_secs(5),
            "{engine}: waited {waited:?}"
        );
    }
}

#[test]
fn bad_allow_net_values_are_usage_errors() {
    let out = wasmexec(&["--allow-net", "http://example.com/", "x.wasm"]);
    assert_eq!(out.status.code(), Some(2));
    let (_, stderr) = text(&out);
    assert!(stderr.contains("a host, not a URL"), "{stderr}");
}
