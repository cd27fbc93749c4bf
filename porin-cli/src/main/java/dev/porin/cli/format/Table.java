// SPDX-License-Identifier: Apache-2.0
package dev.porin.cli.format;

import java.util.ArrayList;
import java.util.List;

/**
 * Columns padded to their widest cell, separated by three spaces. A cell may hold several lines (labels
 * do); the row then continues on the following lines, the other columns blank.
 */
public final class Table {

    private final List<String[]> rows = new ArrayList<>();

    public Table header(String... cells) {
        rows.add(cells);
        return this;
    }

    public Table row(Object... cells) {
        String[] s = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            s[i] = cells[i] == null ? "" : cells[i].toString();
        }
        rows.add(s);
        return this;
    }

    public String render() {
        int columns = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        int[] width = new int[columns];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                for (String line : r[i].split("\n", -1)) {
                    width[i] = Math.max(width[i], line.length());
                }
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] r : rows) {
            String[][] cells = new String[columns][];
            int height = 1;
            for (int i = 0; i < columns; i++) {
                cells[i] = i < r.length ? r[i].split("\n", -1) : new String[] {""};
                height = Math.max(height, cells[i].length);
            }
            for (int line = 0; line < height; line++) {
                StringBuilder l = new StringBuilder();
                for (int i = 0; i < columns; i++) {
                    String cell = line < cells[i].length ? cells[i][line] : "";
                    l.append(cell);
                    if (i < columns - 1) {
                        l.append(" ".repeat(width[i] - cell.length() + 3));
                    }
                }
                out.append(l.toString().stripTrailing()).append('\n');
            }
        }
        return out.toString();
    }
}
