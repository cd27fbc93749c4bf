// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.metrics;

import dev.porin.api.Json;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The Grafana dashboard asks only for metrics and labels the agent exports. */
class DashboardTest {

    static final Path DASHBOARD = Path.of("../deploy/grafana/porin-dashboard.json");

    private static final Pattern METRIC = Pattern.compile("\\b(?:porin|hubble|cilium)_[a-zA-Z0-9_]*");
    private static final Pattern GROUPING = Pattern.compile("\\bby \\(([^)]*)\\)");
    private static final Pattern LABEL = Pattern.compile("[{,]([a-zA-Z_][a-zA-Z0-9_]*)=\"");
    /** Labels Prometheus adds to every series, and the histogram's bucket bound. */
    private static final Set<String> TARGET_LABELS = Set.of("instance", "job", "le");

    private final JsonNode dashboard = read();
    private final List<String> exposition = Scrape.text(MetricsFixture.populated().registry()).lines()
            .filter(l -> !l.startsWith("#") && !l.isBlank()).toList();

    private static JsonNode read() {
        try {
            return Json.MAPPER.readTree(Files.readString(DASHBOARD));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every PromQL expression: the panels' targets (in rows too) and the query variables. */
    static List<String> expressions(JsonNode dashboard) {
        List<String> out = new ArrayList<>();
        for (JsonNode panel : panels(dashboard)) {
            for (JsonNode t : panel.path("targets")) {
                out.add(t.path("expr").asString());
            }
        }
        for (JsonNode v : dashboard.path("templating").path("list")) {
            if (v.path("type").asString().equals("query")) {
                out.add(v.path("definition").asString());
            }
        }
        return out;
    }

    private static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p : dashboard.path("panels")) {
            out.add(p);
            p.path("panels").forEach(out::add);
        }
        return out;
    }

    private Set<String> exportedNames() {
        Set<String> names = new HashSet<>();
        exposition.forEach(l -> names.add(l.split("[{ ]", 2)[0]));
        return names;
    }

    private Set<String> labelsOf(String metric) {
        Set<String> labels = new HashSet<>(TARGET_LABELS);
        exposition.stream().filter(l -> l.startsWith(metric + "{")).forEach(l -> {
            Matcher m = LABEL.matcher(l.substring(0, l.lastIndexOf('}') + 1));
            while (m.find()) {
                labels.add(m.group(1));
            }
        });
        return labels;
    }

    @Test
    void everyExpressionUsesOnlyExportedMetrics() {
        List<String> exprs = expressions(dashboard);
        assertThat(exprs).hasSizeGreaterThanOrEqualTo(12);
        Set<String> exported = exportedNames();
        for (String expr : exprs) {
            List<String> used = METRIC.matcher(expr).results().map(MatchResult::group).toList();
            assertThat(used).as(expr).isNotEmpty();
            assertThat(exported).as(expr).containsAll(used);
        }
    }

    @Test
    void everyGroupingLabelIsALabelOfTheMetric() {
        for (String expr : expressions(dashboard)) {
            Set<String> labels = new HashSet<>();
            METRIC.matcher(expr).results().forEach(m -> labels.addAll(labelsOf(m.group())));
            Matcher by = GROUPING.matcher(expr);
            while (by.find()) {
                List<String> grouping = Arrays.stream(by.group(1).split(",")).map(String::strip).toList();
                assertThat(labels).as(expr).containsAll(grouping);
            }
        }
    }

    @Test
    void everyPanelAndVariableUsesTheDatasourceVariable() {
        JsonNode datasource = dashboard.path("templating").path("list").get(0);
        assertThat(datasource.path("name").asString()).isEqualTo("datasource");
        assertThat(datasource.path("type").asString()).isEqualTo("datasource");
        assertThat(datasource.path("query").asString()).isEqualTo("prometheus");
        for (JsonNode panel : panels(dashboard)) {
            if (panel.path("type").asString().equals("row")) {
                continue;
            }
            assertThat(panel.path("datasource").path("uid").asString()).as(panel.path("title").asString())
                    .isEqualTo("${datasource}");
            panel.path("targets").forEach(t -> assertThat(t.path("datasource").path("uid").asString())
                    .isEqualTo("${datasource}"));
        }
    }

    @Test
    void panelIdsAreUnique() {
        List<Integer> ids = panels(dashboard).stream().map(p -> p.path("id").asInt()).toList();
        assertThat(ids).doesNotHaveDuplicates();
    }
}
