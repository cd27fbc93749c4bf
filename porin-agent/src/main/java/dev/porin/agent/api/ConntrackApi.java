// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.api;

import dev.porin.api.v1.CtEntryModel;
import dev.porin.datapath.maps.CtMap;
import dev.porin.datapath.sys.Libc;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** {@code GET /v1/map/ct}: the conntrack table, as {@code porin bpf ct list} prints it. */
public final class ConntrackApi {

    private final CtMap conntrack;

    public ConntrackApi(CtMap conntrack) {
        this.conntrack = conntrack;
    }

    public void register(Router router) {
        router.get("/v1/map/ct", r -> Response.ok(list()));
    }

    List<CtEntryModel> list() {
        long now = Libc.monotonicSeconds();
        List<CtEntryModel> out = new ArrayList<>();
        for (Map.Entry<CtMap.Key, CtMap.Entry> e : conntrack.entries()) {
            CtMap.Key k = e.getKey();
            CtMap.Entry v = e.getValue();
            out.add(new CtEntryModel(protocol(k.protocol()), k.source().getHostAddress(), k.sourcePort(),
                    k.destination().getHostAddress(), k.destinationPort(), v.lifetime(), v.lifetime() - now,
                    flags(v.flags()), v.txPackets(), v.txBytes(), v.rxPackets(), v.rxBytes(), v.txFlagsSeen(),
                    v.rxFlagsSeen(), v.sourceIdentity()));
        }
        out.sort(Comparator.comparing(CtEntryModel::source).thenComparingInt(CtEntryModel::sourcePort)
                .thenComparing(CtEntryModel::destination).thenComparingInt(CtEntryModel::destinationPort));
        return out;
    }

    static String protocol(int proto) {
        return switch (proto) {
            case 1 -> "ICMP";
            case 6 -> "TCP";
            case 17 -> "UDP";
            case 132 -> "SCTP";
            default -> "PROTO" + proto;
        };
    }

    private static List<String> flags(int f) {
        List<String> out = new ArrayList<>();
        if ((f & CtMap.F_RX_CLOSING) != 0) {
            out.add("RxClosing");
        }
        if ((f & CtMap.F_TX_CLOSING) != 0) {
            out.add("TxClosing");
        }
        if ((f & CtMap.F_SEEN_NON_SYN) != 0) {
            out.add("SeenNonSyn");
        }
        return out;
    }
}
