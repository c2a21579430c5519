package io.streamcdn.common.testing;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;

/**
 * This machine's own addresses other than loopback: connecting to one of them from this machine reaches a
 * server listening on 0.0.0.0 from a peer address that is not loopback, which is how a role sees a client on
 * another machine, without any traffic leaving this one.
 */
public final class LocalAddresses {

    private LocalAddresses() {
    }

    /** An IPv4 address of an interface that is up and not loopback; fails the test when the machine has none. */
    public static InetAddress nonLoopbackIpv4() throws SocketException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (address instanceof Inet4Address && !address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
                    return address;
                }
            }
        }
        throw new AssertionError("this machine has no non-loopback IPv4 address to reach itself from a peer that is "
                + "not loopback; AdminGuardTest proves the decision on peer addresses without one");
    }
}
