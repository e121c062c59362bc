package dev.launcher.http.server;

import com.sun.net.httpserver.Headers;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/**
 * A parsed request line and header block (RFC 9112), and what they say about the body and the connection.
 * Immutable once parsed.
 *
 * <p>Parsing is strict wherever a lenient reading could frame a message differently from a proxy in front: a
 * request is refused ({@link HttpError}, 400 unless named) for
 * <ul>
 *   <li>a request line that is not exactly {@code method SP target SP version} (one space each, no tab), a method
 *       that is not a token, a target that is not ASCII, not origin-form, absolute-form ({@code http}/{@code
 *       https} with a valid authority, no userinfo) or {@code *} for {@code OPTIONS}, or one with a fragment or
 *       starting with {@code //}; a version {@code HTTP/d.d} other than 1.0 and 1.1: 505;</li>
 *   <li>a bare CR or a bare LF anywhere in the head: only CRLF ends a line ({@link RequestInput#readLine});</li>
 *   <li>a field line whose name is not a token (whitespace before the colon included), that starts with
 *       whitespace (obsolete line folding), or whose value holds a control byte other than HTAB;</li>
 *   <li>an HTTP/1.1 request without exactly one {@code Host}, and any request with an invalid {@code Host}
 *       (RFC 9112 3.2: {@code uri-host [":" port]}, RFC 3986, without percent-encoding; an empty one too, as an
 *       {@code http} URI has a non-empty host, RFC 9110 4.2.1); in absolute form the target's authority replaces
 *       the field's value (RFC 9112 3.2.2);</li>
 *   <li>{@code Content-Length} that is not one field of 1 to 18 digits (a list, even {@code 5, 5}, is
 *       refused);</li>
 *   <li>{@code Transfer-Encoding} together with {@code Content-Length}, on an HTTP/1.0 request, malformed, with
 *       {@code chunked} twice, not last or with parameters (RFC 9112 6.3); any other coding: 501.</li>
 * </ul>
 */
final class RequestHead {

    /** The body length when the body is chunked. */
    static final long CHUNKED = -1;

    /** RFC 9110 tchar, by ASCII code. */
    private static final boolean[] TCHAR = asciiSet("!#$%&'*+-.^_`|~");
    /** RFC 3986 unreserved and sub-delims, by ASCII code. */
    private static final boolean[] REG_NAME = asciiSet("-._~!$&'()*+,;=");

    final String method;
    final URI uri;
    final String protocol;
    final boolean http10;
    final Headers headers;
    /** Body bytes declared by {@code Content-Length}, 0 when none, or {@link #CHUNKED}. */
    final long bodyLength;
    final boolean expectContinue;
    /** Whether the client wants the connection kept after this exchange. */
    final boolean keepAlive;

    private RequestHead(String method, URI uri, String protocol, boolean http10, Headers headers, long bodyLength,
                        boolean expectContinue, boolean keepAlive) {
        this.method = method;
        this.uri = uri;
        this.protocol = protocol;
        this.http10 = http10;
        this.headers = headers;
        this.bodyLength = bodyLength;
        this.expectContinue = expectContinue;
        this.keepAlive = keepAlive;
    }

    /**
     * Reads one request head.
     *
     * @param input         the connection's input, positioned at the start of a request
     * @param maxHeadBytes  the most bytes the head may take
     * @param maxHeaders    the most header lines
     * @return the head, or null if the stream ended before its first byte
     * @throws HttpError   when the head is malformed or too large
     * @throws IOException when the connection fails or the head arrives too slowly
     */
    static RequestHead read(RequestInput input, int maxHeadBytes, int maxHeaders) throws IOException, HttpError {
        int budget = maxHeadBytes;
        String line = input.readLine(budget);
        // a client may send empty lines before a request (RFC 9112, 2.2)
        while (line != null && line.isEmpty() && budget > 2) {
            budget -= 2;
            line = input.readLine(budget);
        }
        if (line == null) {
            return null;
        }
        budget -= line.length() + 2;
        int firstSpace = line.indexOf(' ');
        int secondSpace = firstSpace < 0 ? -1 : line.indexOf(' ', firstSpace + 1);
        if (secondSpace < 0 || line.indexOf(' ', secondSpace + 1) >= 0) {
            throw new HttpError(400, "malformed request line");
        }
        String method = line.substring(0, firstSpace);
        String target = line.substring(firstSpace + 1, secondSpace);
        String protocol = line.substring(secondSpace + 1);
        if (!isToken(method, 0, method.length()) || target.isEmpty()) {
            throw new HttpError(400, "malformed request line");
        }
        boolean http10 = checkProtocol(protocol);
        URI uri = target(method, target);

        Headers headers = new Headers();
        int count = 0;
        int hosts = 0;
        String host = null;
        int lengths = 0;
        String length = null;
        String encoding = null;
        String connection = null;
        String expect = null;
        while (true) {
            if (budget <= 0) {
                throw new HttpError(431, "request head too large");
            }
            line = input.readLine(budget);
            if (line == null) {
                throw new java.io.EOFException("connection closed inside a request head");
            }
            budget -= line.length() + 2;
            if (line.isEmpty()) {
                break;
            }
            if (++count > maxHeaders) {
                throw new HttpError(431, "too many header fields");
            }
            int colon = fieldColon(line);
            String name = line.substring(0, colon);
            String value = fieldValue(line, colon);
            headers.add(name, value);
            switch (colon) {
                case 4:
                    if (name.equalsIgnoreCase("Host")) {
                        hosts++;
                        host = value;
                    }
                    break;
                case 6:
                    if (name.equalsIgnoreCase("Expect")) {
                        expect = expect == null ? value : expect + "," + value;
                    }
                    break;
                case 10:
                    if (name.equalsIgnoreCase("Connection")) {
                        connection = connection == null ? value : connection + "," + value;
                    }
                    break;
                case 14:
                    if (name.equalsIgnoreCase("Content-Length")) {
                        lengths++;
                        length = value;
                    }
                    break;
                case 17:
                    if (name.equalsIgnoreCase("Transfer-Encoding")) {
                        encoding = encoding == null ? value : encoding + "," + value;
                    }
                    break;
                default:
                    break;
            }
        }

        if (hosts > 1) {
            throw new HttpError(400, "more than one Host field");
        }
        if (hosts == 0 && !http10) {
            throw new HttpError(400, "missing Host field");
        }
        if (host != null && !isHost(host, 0, host.length())) {
            throw new HttpError(400, "malformed Host field");
        }
        if (uri.getRawAuthority() != null) {
            // absolute form: the target's authority is the host (RFC 9112, 3.2.2)
            headers.set("Host", uri.getRawAuthority());
        }
        long bodyLength = bodyLength(encoding, lengths, length, http10);
        boolean expectContinue = !http10 && expect != null && expect.equalsIgnoreCase("100-continue");
        boolean keepAlive = http10 ? hasToken(connection, "keep-alive") : !hasToken(connection, "close");
        return new RequestHead(method, uri, protocol, http10, headers, bodyLength, expectContinue, keepAlive);
    }

    /** {@return true for HTTP/1.0, false for HTTP/1.1} */
    private static boolean checkProtocol(String protocol) throws HttpError {
        if (protocol.equals("HTTP/1.1")) {
            return false;
        }
        if (protocol.equals("HTTP/1.0")) {
            return true;
        }
        if (protocol.length() == 8 && protocol.startsWith("HTTP/") && isDigit(protocol.charAt(5))
                && protocol.charAt(6) == '.' && isDigit(protocol.charAt(7))) {
            throw new HttpError(505, "HTTP version not supported");
        }
        throw new HttpError(400, "malformed request line");
    }

    /** Parses the request target: origin-form, absolute-form (http, https) or asterisk-form (OPTIONS only). */
    private static URI target(String method, String target) throws HttpError {
        for (int i = 0, n = target.length(); i < n; i++) {
            char c = target.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                // a target is ASCII (RFC 3986); java.net.URI would take other characters
                throw new HttpError(400, "malformed request target");
            }
        }
        char first = target.charAt(0);
        if (first == '*' && target.length() == 1 && !method.equals("OPTIONS")) {
            throw new HttpError(400, "malformed request target");
        }
        URI uri;
        try {
            uri = new URI(target);
        } catch (URISyntaxException e) {
            throw new HttpError(400, "malformed request target");
        }
        if (uri.getRawFragment() != null) {
            throw new HttpError(400, "malformed request target");
        }
        if (first == '/') {
            if (target.length() > 1 && target.charAt(1) == '/') {
                // java.net.URI reads "//x/y" as authority x and path /y: a path a proxy in front would not route
                throw new HttpError(400, "malformed request target");
            }
            return uri;
        }
        if (first == '*' && target.length() == 1) {
            return uri;
        }
        String scheme = uri.getScheme();
        String authority = uri.getRawAuthority();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                || authority == null || !isHost(authority, 0, authority.length())
                || uri.getRawUserInfo() != null) {
            throw new HttpError(400, "malformed request target");
        }
        return uri;
    }

    /**
     * Checks a field line's grammar (RFC 9112, 5: {@code field-name ":" OWS field-value OWS}): the name a token
     * right before the colon, the value free of control bytes but HTAB.
     *
     * @return the colon's index
     * @throws HttpError 400 when the line is malformed
     */
    static int fieldColon(String line) throws HttpError {
        int colon = line.indexOf(':');
        if (colon <= 0) {
            throw new HttpError(400, line.charAt(0) == ' ' || line.charAt(0) == '\t'
                    ? "obsolete line folding" : "malformed header field");
        }
        if (!isToken(line, 0, colon)) {
            throw new HttpError(400, line.charAt(0) == ' ' || line.charAt(0) == '\t'
                    ? "obsolete line folding" : "malformed header field name");
        }
        for (int i = colon + 1, n = line.length(); i < n; i++) {
            char c = line.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw new HttpError(400, "malformed header field value");
            }
        }
        return colon;
    }

    /** {@return the value of a field line checked by {@link #fieldColon}, without leading or trailing OWS} */
    static String fieldValue(String line, int colon) {
        int start = colon + 1;
        int end = line.length();
        while (start < end && isWhitespace(line.charAt(start))) {
            start++;
        }
        while (end > start && isWhitespace(line.charAt(end - 1))) {
            end--;
        }
        return line.substring(start, end);
    }

    /**
     * The body length the framing fields declare (RFC 9112, 6.3).
     *
     * @param encoding the {@code Transfer-Encoding} field values joined by commas, or null
     * @param lengths  how many {@code Content-Length} fields there are
     * @param length   the last {@code Content-Length} value, or null
     */
    private static long bodyLength(String encoding, int lengths, String length, boolean http10) throws HttpError {
        if (encoding != null) {
            if (lengths > 0) {
                throw new HttpError(400, "both Transfer-Encoding and Content-Length");
            }
            if (http10) {
                throw new HttpError(400, "Transfer-Encoding in an HTTP/1.0 request");
            }
            checkCodings(encoding);
            return CHUNKED;
        }
        if (lengths == 0) {
            return 0;
        }
        if (lengths > 1) {
            throw new HttpError(400, "more than one Content-Length field");
        }
        return parseLength(length);
    }

    /**
     * Checks a {@code Transfer-Encoding} list: each element a token with optional {@code ;name=value} parameters
     * (RFC 9112, 7); {@code chunked}, if there, once, last and without parameters (else 400, RFC 9112 6.3). Any
     * other coding is not implemented: 501 (RFC 9112 6.1; {@code chunked} alone is what is served).
     */
    private static void checkCodings(String list) throws HttpError {
        int n = list.length();
        int start = 0;
        boolean chunked = false;
        boolean others = false;
        while (true) {
            int end = list.indexOf(',', start);
            if (end < 0) {
                end = n;
            }
            int from = start;
            int to = end;
            while (from < to && isWhitespace(list.charAt(from))) {
                from++;
            }
            while (to > from && isWhitespace(list.charAt(to - 1))) {
                to--;
            }
            if (chunked) {
                throw new HttpError(400, "chunked is not the final transfer coding");
            }
            if (to - from == 7 && list.regionMatches(true, from, "chunked", 0, 7)) {
                chunked = true;
            } else if (tokenEnd(list, from, to) - from == 7 && list.regionMatches(true, from, "chunked", 0, 7)) {
                throw new HttpError(400, "chunked takes no parameters");
            } else if (isCoding(list, from, to)) {
                others = true;
            } else {
                throw new HttpError(400, "malformed Transfer-Encoding");
            }
            if (end == n) {
                break;
            }
            start = end + 1;
        }
        if (others) {
            throw new HttpError(501, "transfer coding not implemented: " + list);
        }
    }

    /**
     * {@return true if {@code text[from, to)} is {@code token *( OWS ";" OWS token "=" ( token / quoted-string ) )}}
     */
    private static boolean isCoding(String text, int from, int to) {
        int i = tokenEnd(text, from, to);
        if (i == from) {
            return false;
        }
        while (i < to) {
            i = skipWhitespace(text, i, to);
            if (i == to || text.charAt(i) != ';') {
                return false;
            }
            i = skipWhitespace(text, i + 1, to);
            int nameEnd = tokenEnd(text, i, to);
            if (nameEnd == i || nameEnd == to || text.charAt(nameEnd) != '=') {
                return false;
            }
            i = nameEnd + 1;
            int valueEnd = i < to && text.charAt(i) == '"' ? quotedEnd(text, i, to) : tokenEnd(text, i, to);
            if (valueEnd <= i) {
                return false;
            }
            i = valueEnd;
        }
        return true;
    }

    /** {@return the index after the token starting at {@code from}; {@code from} itself if none} */
    static int tokenEnd(CharSequence text, int from, int to) {
        int i = from;
        while (i < to && isTchar(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /**
     * {@return the index after the quoted-string starting at {@code from} (a DQUOTE), or -1 if it is malformed}
     * (RFC 9110, 5.6.4: {@code qdtext} and {@code quoted-pair}; no control byte but HTAB).
     */
    static int quotedEnd(CharSequence text, int from, int to) {
        int i = from + 1;
        while (i < to) {
            char c = text.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\') {
                i++;
                if (i == to) {
                    return -1;
                }
                c = text.charAt(i);
            }
            if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
                return -1;
            }
            i++;
        }
        return -1;
    }

    static int skipWhitespace(CharSequence text, int from, int to) {
        int i = from;
        while (i < to && isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private static long parseLength(String value) throws HttpError {
        int n = value.length();
        if (n == 0 || n > 18) {
            throw new HttpError(400, "malformed Content-Length");
        }
        long length = 0;
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (!isDigit(c)) {
                throw new HttpError(400, "malformed Content-Length");
            }
            length = length * 10 + (c - '0');
        }
        return length;
    }

    /**
     * {@return true if {@code text[from, to)} is {@code uri-host [":" port]}} (RFC 3986: IP-literal in brackets,
     * or a non-empty reg-name without percent-encoding, which covers IPv4address; port is digits).
     */
    static boolean isHost(String text, int from, int to) {
        if (from == to) {
            return false;
        }
        int i = from;
        if (text.charAt(i) == '[') {
            int close = text.indexOf(']', i);
            if (close < 0 || close >= to || !isIpLiteral(text, i + 1, close)) {
                return false;
            }
            i = close + 1;
        } else {
            // no pct-encoded octets: RFC 3986 allows them in a reg-name, but a decoder would see %00 or %2F
            while (i < to && text.charAt(i) != ':') {
                if (!isRegNameChar(text.charAt(i))) {
                    return false;
                }
                i++;
            }
            if (i == from) {
                return false;
            }
        }
        if (i == to) {
            return true;
        }
        if (text.charAt(i) != ':') {
            return false;
        }
        for (i++; i < to; i++) {
            if (!isDigit(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** IPv6address (hex digits, colons, dots; at least one colon) or IPvFuture ({@code v HEX "." ...}). */
    private static boolean isIpLiteral(String text, int from, int to) {
        if (from == to) {
            return false;
        }
        char first = text.charAt(from);
        if (first == 'v' || first == 'V') {
            int dot = text.indexOf('.', from);
            if (dot < 0 || dot >= to - 1 || dot == from + 1) {
                return false;
            }
            for (int i = from + 1; i < dot; i++) {
                if (Character.digit(text.charAt(i), 16) < 0) {
                    return false;
                }
            }
            for (int i = dot + 1; i < to; i++) {
                char c = text.charAt(i);
                if (!isRegNameChar(c) && c != ':') {
                    return false;
                }
            }
            return true;
        }
        boolean colon = false;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == ':') {
                colon = true;
            } else if (c == '%') {
                // a zone id (RFC 6874): "%25" then unreserved or pct-encoded characters
                return colon && i + 3 < to && text.startsWith("%25", i) && isZoneId(text, i + 3, to);
            } else if (c != '.' && Character.digit(c, 16) < 0) {
                return false;
            }
        }
        return colon;
    }

    private static boolean isZoneId(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 2 >= to || Character.digit(text.charAt(i + 1), 16) < 0
                        || Character.digit(text.charAt(i + 2), 16) < 0) {
                    return false;
                }
                i += 2;
            } else if (!(isRegNameChar(c) && "!$&'()*+,;=".indexOf(c) < 0)) {
                return false;
            }
        }
        return true;
    }

    /** unreserved / sub-delims (RFC 3986). */
    private static boolean isRegNameChar(char c) {
        return c < 128 && REG_NAME[c];
    }

    /** True if a header of that name lists {@code token} (comma-separated, case-insensitive). */
    static boolean hasToken(Headers headers, String name, String token) {
        List<String> values = headers.get(name);
        if (values == null) {
            return false;
        }
        for (String value : values) {
            if (hasToken(value, token)) {
                return true;
            }
        }
        return false;
    }

    /** True if the comma-separated {@code list} (may be null) holds {@code token}, case-insensitive. */
    private static boolean hasToken(String list, String token) {
        if (list == null) {
            return false;
        }
        if (list.equalsIgnoreCase(token)) {
            return true;
        }
        int n = list.length();
        int start = 0;
        while (start <= n) {
            int end = list.indexOf(',', start);
            if (end < 0) {
                end = n;
            }
            int from = skipWhitespace(list, start, end);
            int to = end;
            while (to > from && isWhitespace(list.charAt(to - 1))) {
                to--;
            }
            if (to - from == token.length() && list.regionMatches(true, from, token, 0, token.length())) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** RFC 9110 token: one or more tchar. */
    private static boolean isToken(String text, int from, int to) {
        return to > from && tokenEnd(text, from, to) == to;
    }

    /** RFC 9110 tchar. */
    static boolean isTchar(char c) {
        return c < 128 && TCHAR[c];
    }

    private static boolean[] asciiSet(String punctuation) {
        boolean[] set = new boolean[128];
        for (char c = '0'; c <= '9'; c++) {
            set[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            set[c] = true;
            set[c - 'a' + 'A'] = true;
        }
        for (int i = 0; i < punctuation.length(); i++) {
            set[punctuation.charAt(i)] = true;
        }
        return set;
    }
}
