package io.streamcdn.router.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 network, {@code 192.0.2.0/24} or {@code 2001:db8::/32}. Parsing never consults DNS: only
 * address literals are accepted.
 */
public record Cidr(InetAddress network, int prefixLength) {

    // Compiled once: literal() runs for every viewer request (the peer, then each X-Forwarded-For hop), and
    // String.matches would compile its pattern on every call.
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
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
        boolean ipv4 = IPV4.matcher(value).matches();
        boolean ipv6 = value.contains(":") && IPV6.matcher(value).matches();
        if (!ipv4 && !ipv6) {
            return java.util.Optional.empty();
        }
        if (ipv4) {
            for (String part : value.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    return java.util.Optional.empty();
                }
            }
        }
        try {
            return java.util.Optional.of(InetAddress.getByName(value));
        } catch (UnknownHostException e) {
            return java.util.Optional.empty();
        }
    }

    public boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        if (candidate.length != network.getAddress().length) {
            return false;
        }
        return Arrays.equals(masked(address, prefixLength).getAddress(), network.getAddress());
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
