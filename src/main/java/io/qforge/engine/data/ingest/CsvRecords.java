package io.qforge.engine.data.ingest;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 records, one at a time: fields separated by commas, optionally in double quotes (a
 * quoted field may hold commas, line breaks and {@code ""} for a quote), records ended by LF, CRLF
 * or CR; blank lines are skipped and a leading byte order mark is dropped. A cell longer than
 * {@code maxCellChars} or a record with more than {@code maxColumns} cells stops reading, so a
 * file without line breaks cannot take memory.
 */
final class CsvRecords {
    private final Reader in;
    private final String fileName;
    private final int maxCellChars;
    private final int maxColumns;
    private int line = 1;
    private int recordLine;
    private int peeked = -2;
    private boolean first = true;

    CsvRecords(Reader in, String fileName, int maxCellChars, int maxColumns) {
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

    private int read() throws IOException {
        if (peeked != -2) {
            int c = peeked;
            peeked = -2;
            return c;
        }
        try {
            return in.read();
        } catch (CharacterCodingException e) {
            throw new SourceException("file", fileName + ": line " + line + " is not valid UTF-8 text", e);
        }
    }

    private void unread(int c) {
        peeked = c;
    }
}
