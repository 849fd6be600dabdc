use super::HeadScan;

/// The first refused head of `text` read at once, and read a byte at a time (the same).
fn refused(text: &str) -> Option<usize> {
    let whole = HeadScan::default().scan(text.as_bytes());
    let mut scan = HeadScan::default();
    let bytewise = text.bytes().find_map(|byte| scan.scan(&[byte]));
    assert_eq!(whole, bytewise, "{text:?}");
    whole
}

#[test]
fn clean_heads_pass() {
    assert_eq!(refused("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), None);
    assert_eq!(
        refused("\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n"),
        None
    );
}

#[test]
fn a_bare_lf_anywhere_in_a_head_is_found() {
    assert_eq!(refused("GET /a HTTP/1.1\nHost: x\r\n\r\n"), Some(0));
    assert_eq!(refused("GET /b HTTP/1.1\r\nHost: x\n\r\n"), Some(0));
    assert_eq!(refused("GET /c HTTP/1.1\r\nHost: x\r\n\n"), Some(0));
    assert_eq!(refused("GET /d HTTP/1.1\nHost: x\n\n"), Some(0));
}

#[test]
fn heads_are_counted_across_bodies() {
    let body = "{\"a\":\n\n1}";
    let text = format!(
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n{body}GET /2 HTTP/1.1\r\nHost: x\r\n\r\nGET /3 HTTP/1.1\nHost: x\r\n\r\n",
        body.len()
    );
    assert_eq!(refused(&text), Some(2));
}

#[test]
fn chunked_bodies_are_followed_with_their_trailers() {
    let text = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\na\nb\r\n2;ext=1\nc\n\r\n0\r\nx-trailer: 1\r\n\r\nGET / HTTP/1.1\r\nHost: x\n\r\n";
    assert_eq!(refused(text), Some(1));
}

#[test]
fn an_upgrade_or_a_framing_it_cannot_read_stops_the_scan() {
    assert_eq!(
        refused("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n\r\n\n\n\n"),
        None
    );
    assert_eq!(refused("CONNECT x:443 HTTP/1.1\r\nHost: x\r\n\r\n\n"), None);
    assert_eq!(refused("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: x\r\n\r\nGET / HTTP/1.1\nHost: x\r\n\r\n"), None);
    assert_eq!(
        refused("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\n"),
        None
    );
}

#[test]
fn a_line_over_the_limit_is_left_to_hyper() {
    let long = "a".repeat(20 * 1024);
    assert_eq!(
        refused(&format!("GET / HTTP/1.1\r\nX-Long: {long}\r\n\r\n")),
        None
    );
}
