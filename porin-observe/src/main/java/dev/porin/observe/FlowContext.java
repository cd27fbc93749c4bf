// SPDX-License-Identifier: Apache-2.0
package dev.porin.observe;

import dev.porin.policy.api.Direction;

import java.util.List;

/**
 * What flow enrichment needs to know about the node, answered without blocking: it is asked for every
 * event, on the event reader's thread, while policy changes on others.
 */
public interface FlowContext {

    /** The pod on this node with this IPv4 address (packed, network order), or null. */
    FlowEndpoint endpointByIp(int ipv4);

    /** An identity as a flow endpoint without a pod: its labels, or none if unknown. Never null. */
    FlowEndpoint identity(int identity);

    /** The rules behind a policy cookie; empty if unknown. */
    List<PolicyCause> rules(int cookie);

    /** The policies that make an endpoint default-deny in a direction. */
    List<PolicyCause> defaultDeny(int endpoint, Direction direction);

    long policyRevision();
}
