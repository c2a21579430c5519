package io.streamcdn.router.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 network, {@code 192.0.2.0/24} or {@code 2001:db8::/32}. Parsing never consults DNS: only
 * address literals are accepted.
 */
public record Cidr(InetAddress network, int prefixLength) {

    // Compiled once: literal() runs for every viewer request (the peer, then each X-Forwarded-For hop), and
    // String.matches would compile its pattern on every call.
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

    public Cidr {
        int bits = network.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("a /" + prefixLength + " prefix does not fit an address of " + bits + " bits");
        }
        network = masked(network, prefixLength);
    }

    /** Parses {@code address/prefix}; a bare address is a /32 or /128. */
    public static Cidr parse(String text) {
        String value = text == null ? "" : text.strip();
        int slash = value.indexOf('/');
        String address = slash < 0 ? value : value.substring(0, slash);
        InetAddress parsed = literal(address).orElseThrow(() -> new IllegalArgumentException(
                "'" + text + "' is not a network; write it like 192.0.2.0/24 or 2001:db8::/32"));
        int bits = parsed.getAddress().length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String digits = value.substring(slash + 1);
            if (!digits.matches("\\d{1,3}")) {
                throw new IllegalArgumentException("'" + text + "' has no usable prefix length after the /");
            }
            prefix = Integer.parseInt(digits);
        }
        return new Cidr(parsed, prefix);
    }

    /** An IP address literal (never a host name: no DNS lookup), or empty. */
    public static java.util.Optional<InetAddress> literal(String text) {
        String value = text == null ? "" : text.strip();
        if (value.startsWith("[") && value.endsWith("]")) {
            value = value.substring(1, value.length() - 1);
        }
        byte[] v4 = ipv4(value);
        if (v4 != null) {
            try {
                return java.util.Optional.of(InetAddress.getByAddress(v4));
            } catch (UnknownHostException e) {
                throw new IllegalStateException("four bytes are always an address", e);
            }
        }
        if (!value.contains(":") || !IPV6.matcher(value).matches()) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(InetAddress.getByName(value));
        } catch (UnknownHostException e) {
            return java.util.Optional.empty();
        }
    }

    /**
     * Dotted-quad IPv4 ({@code 1-3} digits per part, each at most 255), parsed by hand: it runs for every viewer
     * request, and a regular expression plus {@code InetAddress.getByName} was a visible share of the router's time.
     */
    static byte[] ipv4(String value) {
        byte[] bytes = new byte[4];
        int part = 0;
        int digits = 0;
        int number = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= '0' && c <= '9') {
                number = number * 10 + (c - '0');
                if (++digits > 3 || number > 255) {
                    return null;
                }
            } else if (c == '.' && digits > 0 && part < 3) {
                bytes[part++] = (byte) number;
                digits = 0;
                number = 0;
            } else {
                return null;
            }
        }
        if (part != 3 || digits == 0) {
            return null;
        }
        bytes[3] = (byte) number;
        return bytes;
    }

    public boolean contains(InetAddress address) {
        return contains(address.getAddress());
    }

    /** {@link #contains(InetAddress)} for an address's bytes, which a caller checking many networks copies once. */
    public boolean contains(byte[] candidate) {
        byte[] net = network.getAddress();
        if (candidate.length != net.length) {
            return false;
        }
        for (int i = 0; i < candidate.length; i++) {
            int keep = Math.max(0, Math.min(8, prefixLength - i * 8));
            if ((candidate[i] & (0xff << (8 - keep)) & 0xff) != (net[i] & 0xff)) {
                return false;
            }
        }
        return true;
    }

    private static InetAddress masked(InetAddress address, int prefix) {
        byte[] bytes = address.getAddress().clone();
        for (int i = 0; i < bytes.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            bytes[i] = (byte) (bytes[i] & (0xff << (8 - keep)));
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a 4- or 16-byte address is always valid", e);
        }
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefixLength;
    }
}
