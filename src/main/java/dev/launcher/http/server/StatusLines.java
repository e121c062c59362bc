package dev.launcher.http.server;

import java.nio.charset.StandardCharsets;

/** Status lines and their reason phrases (RFC 9110, section 15). */
final class StatusLines {

    /** The interim response that asks a client to send the body it announced with {@code Expect: 100-continue}. */
    static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private static final String[] LINES = new String[600];

    static {
        String[] reasons = {
            "100 Continue", "101 Switching Protocols",
            "200 OK", "201 Created", "202 Accepted", "203 Non-Authoritative Information", "204 No Content",
            "205 Reset Content", "206 Partial Content",
            "300 Multiple Choices", "301 Moved Permanently", "302 Found", "303 See Other", "304 Not Modified",
            "307 Temporary Redirect", "308 Permanent Redirect",
            "400 Bad Request", "401 Unauthorized", "403 Forbidden", "404 Not Found", "405 Method Not Allowed",
            "406 Not Acceptable", "408 Request Timeout", "409 Conflict", "410 Gone", "411 Length Required",
            "412 Precondition Failed", "413 Content Too Large", "414 URI Too Long", "415 Unsupported Media Type",
            "416 Range Not Satisfiable", "417 Expectation Failed", "421 Misdirected Request",
            "422 Unprocessable Content", "425 Too Early", "426 Upgrade Required", "428 Precondition Required",
            "429 Too Many Requests", "431 Request Header Fields Too Large",
            "500 Internal Server Error", "501 Not Implemented", "502 Bad Gateway", "503 Service Unavailable",
            "504 Gateway Timeout", "505 HTTP Version Not Supported",
        };
        for (String reason : reasons) {
            LINES[Integer.parseInt(reason.substring(0, 3))] = "HTTP/1.1 " + reason + "\r\n";
        }
    }

    private StatusLines() {
    }

    /** {@return the status line of {@code code}, its line end included (an unknown code has an empty reason)} */
    static String of(int code) {
        String line = code < LINES.length ? LINES[code] : null;
        return line != null ? line : "HTTP/1.1 " + code + " \r\n";
    }
}
