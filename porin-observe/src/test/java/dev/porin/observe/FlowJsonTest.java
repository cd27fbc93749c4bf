// SPDX-License-Identifier: Apache-2.0
package dev.porin.observe;

import dev.porin.hubble.flow.Endpoint;
import dev.porin.hubble.flow.Flow;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FlowJsonTest {

    @Test
    void labelsReadAsHubblePrintsThem() {
        Flow f = Flow.newBuilder().setSource(Endpoint.newBuilder().addLabels("k8s:app=web").setPodName("a<b>&'c"))
                .build();
        assertThat(FlowJson.print(f)).isEqualTo("{\"source\":{\"labels\":[\"k8s:app=web\"],\"pod_name\":\"a<b>&'c\"}}");
    }

    @Test
    void escapedBackslashesAndOtherEscapesStay() {
        assertThat(FlowJson.unescapeHtmlSafe("\"a\\\\u003d\"")).isEqualTo("\"a\\\\u003d\"");
        assertThat(FlowJson.unescapeHtmlSafe("\"\\n\\u0001\\u003d\"")).isEqualTo("\"\\n\\u0001=\"");
    }
}
