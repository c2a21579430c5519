package io.streamcdn.router.dns;

import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TextParseException;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The zone the router is authoritative for, and the shape of the names in it. The zone holds no stored records
 * but its apex's: every single label directly below the apex ({@code video123.cdn.example.}) is a routing name
 * whose A/AAAA records are computed per query, the apex itself routes too, and nothing deeper exists.
 *
 * <p>The one reserved label is {@code ns1}, the zone's name server. It must never route: a resolver that asks
 * us for the name server's address and gets an edge's would send its next queries to the edge. It answers the
 * addresses the operator gave ({@code nameserverAddresses}); with none, it has no A/AAAA records (NODATA), the
 * NS answer carries no glue, and resolvers rely on the glue the parent zone publishes.
 *
 * @param apex                 the zone's name, absolute
 * @param nameserverAddresses  this server's public addresses, for {@code ns1.<zone>}; may be empty
 * @param serial               the SOA serial (nothing transfers this zone; it only has to be a valid number)
 */
record AuthoritativeZone(Name apex, List<InetAddress> nameserverAddresses, long serial) {

    /** How long resolvers may cache a routing answer: short, so a failed or busy edge stops being sent viewers. */
    static final long ROUTING_TTL_SECONDS = 30;
    /** The SOA, NS and name server records change only when the operator redeploys. */
    static final long APEX_TTL_SECONDS = 3600;

    private static final String NAMESERVER_LABEL = "ns1";

    /** Where a name sits relative to the zone. */
    enum Place {
        /** Not at or below the apex: not ours to answer. */
        OUTSIDE,
        /** The apex: SOA, NS, and routing A/AAAA. */
        APEX,
        /** {@code ns1.<zone>}: the name server's own addresses. */
        NAMESERVER,
        /** One label below the apex: routing A/AAAA. */
        ROUTING_NAME,
        /** Two or more labels below the apex: does not exist. */
        NONEXISTENT
    }

    AuthoritativeZone {
        if (!apex.isAbsolute()) {
            throw new IllegalArgumentException("the zone '" + apex + "' must be absolute (end with a dot)");
        }
        nameserverAddresses = List.copyOf(nameserverAddresses);
        if (serial < 0 || serial > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("SOA serial " + serial + " is not a 32-bit unsigned number");
        }
    }

    /** The zone {@code zone} (absolute, like {@code cdn.example.}), its serial taken from the clock. */
    static AuthoritativeZone of(String zone, List<InetAddress> nameserverAddresses) {
        try {
            // Seconds since the epoch: grows across restarts, which is all a serial promises, and fits 32 bits until 2106.
            return new AuthoritativeZone(Name.fromString(zone), nameserverAddresses,
                    System.currentTimeMillis() / 1000 & 0xFFFF_FFFFL);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("'" + zone + "' is not a domain name; write it like cdn.example.", e);
        }
    }

    Place place(Name name) {
        if (!name.subdomain(apex)) {
            return Place.OUTSIDE;
        }
        int depth = name.labels() - apex.labels();
        if (depth == 0) {
            return Place.APEX;
        }
        if (depth > 1) {
            return Place.NONEXISTENT;
        }
        return firstLabel(name).equals(NAMESERVER_LABEL) ? Place.NAMESERVER : Place.ROUTING_NAME;
    }

    /**
     * The content key a name routes by: its first label, lower case. Resolvers randomise the case of the names
     * they ask (DNS 0x20), so the key must not depend on it, or one video would scatter over several edges.
     */
    String routingKey(Name name) {
        return firstLabel(name);
    }

    Name nameserver() {
        return concatenate(NAMESERVER_LABEL);
    }

    SOARecord soa() {
        // Negative answers are cached for min(SOA TTL, minimum) (RFC 2308): 30 s, like a routing answer, so a name
        // that gains an answer (an edge comes back) is not hidden for long.
        return new SOARecord(apex, DClass.IN, ROUTING_TTL_SECONDS, nameserver(), concatenate("hostmaster"), serial,
                3600, 600, 1_209_600, ROUTING_TTL_SECONDS);
    }

    NSRecord ns() {
        return new NSRecord(apex, DClass.IN, APEX_TTL_SECONDS, nameserver());
    }

    /** The name server's A (IPv4) or AAAA (IPv6) records, owned by {@code owner} (the question's spelling). */
    List<Record> nameserverRecords(Name owner, boolean ipv6) {
        List<Record> records = new ArrayList<>();
        for (InetAddress address : nameserverAddresses) {
            if (address instanceof Inet6Address && ipv6) {
                records.add(new AAAARecord(owner, DClass.IN, APEX_TTL_SECONDS, address));
            } else if (address instanceof Inet4Address && !ipv6) {
                records.add(new ARecord(owner, DClass.IN, APEX_TTL_SECONDS, address));
            }
        }
        return records;
    }

    private Name concatenate(String label) {
        try {
            return Name.concatenate(Name.fromString(label), apex);
        } catch (TextParseException | org.xbill.DNS.NameTooLongException e) {
            throw new IllegalArgumentException("the zone '" + apex + "' is too long to hold " + label, e);
        }
    }

    private static String firstLabel(Name name) {
        return name.getLabelString(0).toLowerCase(Locale.ROOT);
    }
}
