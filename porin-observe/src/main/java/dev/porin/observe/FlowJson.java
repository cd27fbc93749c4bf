// SPDX-License-Identifier: Apache-2.0
package dev.porin.observe;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;

/**
 * Protobuf messages as Hubble prints them ({@code hubble observe -o json}): protobuf JSON with the .proto
 * field names, on one line. protobuf-java escapes {@code = < > & '} as {@code \u003d}-style sequences where
 * Go's protojson writes the characters; they are written plainly here, so labels read {@code k8s:app=web}.
 */
public final class FlowJson {

    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().preservingProtoFieldNames()
            .omittingInsignificantWhitespace();

    private FlowJson() {
    }

    public static String print(MessageOrBuilder message) {
        try {
            return unescapeHtmlSafe(PRINTER.print(message));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Replaces {@code \u003d}, {@code \u003c}, {@code \u003e}, {@code \u0026}, {@code \u0027} escapes (not escaped backslashes). */
    static String unescapeHtmlSafe(String json) {
        if (json.indexOf("\\u00") < 0) {
            return json;
        }
        StringBuilder out = new StringBuilder(json.length());
        int i = 0;
        while (i < json.length()) {
            char c = json.charAt(i);
            if (c == '\\' && i + 1 < json.length()) {
                if (json.charAt(i + 1) == 'u' && i + 6 <= json.length()) {
                    char plain = switch (json.substring(i + 2, i + 6)) {
                        case "003d" -> '=';
                        case "003c" -> '<';
                        case "003e" -> '>';
                        case "0026" -> '&';
                        case "0027" -> '\'';
                        default -> 0;
                    };
                    if (plain != 0) {
                        out.append(plain);
                        i += 6;
                        continue;
                    }
                }
                // Any other escape, e.g. an escaped backslash: keep both characters.
                out.append(c).append(json.charAt(i + 1));
                i += 2;
                continue;
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }
}
