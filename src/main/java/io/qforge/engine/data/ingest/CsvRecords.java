package io.qforge.engine.data.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 records, one at a time, from strict UTF-8 (decoded here, byte by byte, so that a bad
 * byte is reported on its own line): fields separated by commas, optionally in double quotes (a
 * quoted field may hold commas, line breaks and {@code ""} for a quote), records ended by LF, CRLF
 * or CR; blank lines are skipped and a leading byte order mark is dropped. A cell longer than
 * {@code maxCellChars} or a record with more than {@code maxColumns} cells stops reading, so a
 * file without line breaks cannot take memory.
 */
final class CsvRecords {
    private final InputStream in;
    private final String fileName;
    private final int maxCellChars;
    private final int maxColumns;
    private int line = 1;
    private int recordLine;
    private int peeked = -2;
    private boolean first = true;

    /** @param in buffered bytes */
    CsvRecords(InputStream in, String fileName, int maxCellChars, int maxColumns) {
        this.in = in;
        this.fileName = fileName;
        this.maxCellChars = maxCellChars;
        this.maxColumns = maxColumns;
    }

    /** The line (1-based) the last record returned started on. */
    int line() {
        return recordLine;
    }

    /** The next non-blank record, or null at the end. */
    List<String> next() throws IOException {
        while (true) {
            int c = read();
            if (first) {
                first = false;
                if (c == '\uFEFF') {
                    c = read();
                }
            }
            if (c == -1) {
                return null;
            }
            if (c == '\n' || c == '\r') {
                endOfLine(c);
                continue;
            }
            recordLine = line;
            return record(c);
        }
    }

    private List<String> record(int c) throws IOException {
        List<String> cells = new ArrayList<>();
        var cell = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        while (true) {
            if (quoted) {
                if (c == -1) {
                    throw new SourceException("file", fileName + ": the quoted cell starting on line " + recordLine
                            + " is never closed");
                }
                if (c == '"') {
                    int d = read();
                    if (d == '"') {
                        append(cell, '"', cells.size());
                    } else {
                        quoted = false;
                        c = d;
                        continue;
                    }
                } else {
                    if (c == '\n' || (c == '\r')) {
                        line++;
                        if (c == '\r') {
                            int d = read();
                            if (d != '\n') {
                                unread(d);
                            } else {
                                append(cell, '\r', cells.size());
                                c = '\n';
                            }
                        }
                    }
                    append(cell, (char) c, cells.size());
                }
                c = read();
                continue;
            }
            if (c == -1 || c == '\n' || c == '\r' || c == ',') {
                add(cells, wasQuoted ? cell.toString() : cell.toString().strip());
                cell.setLength(0);
                wasQuoted = false;
                if (c == ',') {
                    c = read();
                    continue;
                }
                if (c != -1) {
                    endOfLine(c);
                }
                return cells;
            }
            if (c == '"' && cell.toString().isBlank() && !wasQuoted) {
                cell.setLength(0);
                quoted = true;
                wasQuoted = true;
            } else {
                append(cell, (char) c, cells.size());
            }
            c = read();
        }
    }

    private void add(List<String> cells, String cell) {
        if (cells.size() == maxColumns) {
            throw new SourceException("file", fileName + ": line " + recordLine + " has more than " + maxColumns
                    + " cells (qforge.datasets.max-csv-columns)");
        }
        cells.add(cell);
    }

    private void append(StringBuilder cell, char c, int column) {
        if (cell.length() == maxCellChars) {
            throw new SourceException("file", fileName + ": the cell in column " + column + " of line " + recordLine
                    + " is longer than " + maxCellChars + " characters (qforge.datasets.max-csv-cell-chars)");
        }
        cell.append(c);
    }

    private void endOfLine(int c) throws IOException {
        line++;
        if (c == '\r') {
            int d = read();
            if (d != '\n') {
                unread(d);
            }
        }
    }

    private int lowSurrogate = -1;

    private int read() throws IOException {
        if (peeked != -2) {
            int c = peeked;
            peeked = -2;
            return c;
        }
        if (lowSurrogate >= 0) {
            int c = lowSurrogate;
            lowSurrogate = -1;
            return c;
        }
        int b = in.read();
        if (b < 0x80) {
            return b; // ASCII or -1
        }
        int extra;
        int min;
        int max = 0xBF;
        int cp;
        if (b >= 0xC2 && b <= 0xDF) {
            extra = 1;
            cp = b & 0x1F;
            min = 0x80;
        } else if (b >= 0xE0 && b <= 0xEF) {
            extra = 2;
            cp = b & 0x0F;
            min = b == 0xE0 ? 0xA0 : 0x80; // no overlong forms
            max = b == 0xED ? 0x9F : 0xBF; // no surrogates
        } else if (b >= 0xF0 && b <= 0xF4) {
            extra = 3;
            cp = b & 0x07;
            min = b == 0xF0 ? 0x90 : 0x80;
            max = b == 0xF4 ? 0x8F : 0xBF; // at most U+10FFFF
        } else {
            throw notUtf8();
        }
        for (int i = 0; i < extra; i++) {
            int c = in.read();
            if (c < (i == 0 ? min : 0x80) || c > (i == 0 ? max : 0xBF)) {
                throw notUtf8();
            }
            cp = cp << 6 | (c & 0x3F);
        }
        if (cp > 0xFFFF) {
            lowSurrogate = Character.lowSurrogate(cp);
            return Character.highSurrogate(cp);
        }
        return cp;
    }

    private SourceException notUtf8() {
        return new SourceException("file", fileName + ": line " + line + " is not valid UTF-8 text");
    }

    private void unread(int c) {
        peeked = c;
    }
}
