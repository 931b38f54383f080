package io.qforge.engine.data.ingest;

import io.qforge.engine.data.NpzScanner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.ArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * The rules every archive entry of an upload must pass, whatever the format: a relative name
 * without {@code ..} segments or NUL, unique, a regular file or directory (no symbolic or hard
 * link, no device), not encrypted, stored or deflated. Nothing is ever extracted to disk under an
 * entry's name. Zip archives are opened only after their central directory records are counted
 * (an upper bound of their entries) against the limit.
 */
final class Archives {
    private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*");

    private Archives() {
    }

    /** Opens a zip after counting its entries against {@code maxEntries}; every entry is checked. */
    static ZipFile openZip(Path zip, String fileName, int maxEntries, String limitName) {
        long entries = NpzScanner.centralDirectorySignatures(zip);
        if (entries > maxEntries) {
            throw new SourceException("file", fileName + " holds " + entries + " zip entries; at most " + maxEntries
                    + " are accepted (" + limitName + ")");
        }
        ZipFile z;
        try {
            z = ZipFile.builder().setPath(zip).get();
        } catch (IOException e) {
            throw new SourceException("file", fileName + " is not a valid zip archive: "
                    + String.valueOf(e.getMessage()).replace(zip.toString(), fileName), e);
        }
        try {
            Set<String> seen = new HashSet<>();
            for (ZipArchiveEntry e : Collections.list(z.getEntries())) {
                checkZipEntry(e, z, fileName, seen);
            }
            return z;
        } catch (RuntimeException e) {
            try {
                z.close();
            } catch (IOException ignored) {
                // the check's failure is what the user needs to see
            }
            throw e;
        }
    }

    /** The entries in name order (so conversion order does not depend on how the zip was written). */
    static List<ZipArchiveEntry> sortedFiles(ZipFile zip) {
        List<ZipArchiveEntry> files = new ArrayList<>();
        for (ZipArchiveEntry e : Collections.list(zip.getEntries())) {
            if (!e.isDirectory()) {
                files.add(e);
            }
        }
        files.sort((a, b) -> a.getName().compareTo(b.getName()));
        return files;
    }

    static void checkZipEntry(ZipArchiveEntry e, ZipFile zip, String fileName, Set<String> seen) {
        String where = checkName(e.getName(), fileName, seen);
        if (e.isUnixSymlink()) {
            throw new SourceException("file", where + " is a symbolic link; only files and directories are accepted");
        }
        if (e.getGeneralPurposeBit().usesEncryption()) {
            throw new SourceException("file", where + " is encrypted");
        }
        if (e.getMethod() != ZipArchiveEntry.STORED && e.getMethod() != ZipArchiveEntry.DEFLATED) {
            throw new SourceException("file", where + " uses zip compression method " + e.getMethod()
                    + "; only stored (0) and deflated (8) entries are read");
        }
        if (!e.isDirectory() && !zip.canReadEntryData(e)) {
            throw new SourceException("file", where + " cannot be read (unsupported zip feature)");
        }
    }

    /** A tar entry: the name rules, and only regular files and directories. */
    static void checkTarEntry(TarArchiveEntry e, String fileName, Set<String> seen) {
        String where = checkName(e.getName(), fileName, seen);
        if (e.isSymbolicLink() || e.isLink()) {
            throw new SourceException("file", where + " is a " + (e.isSymbolicLink() ? "symbolic" : "hard")
                    + " link; only files and directories are accepted");
        }
        if (!e.isFile() && !e.isDirectory()) {
            throw new SourceException("file", where + " is not a regular file (device, FIFO or special entry)");
        }
    }

    /** Checks a name and returns how messages quote the entry. */
    static String checkName(String name, String fileName, Set<String> seen) {
        String where = fileName + ": the entry '" + shorten(name) + "'";
        if (name.isEmpty() || name.startsWith("/") || name.startsWith("\\") || DRIVE.matcher(name).matches()) {
            throw new SourceException("file", where + " has an absolute path");
        }
        for (String segment : name.split("[/\\\\]")) {
            if (segment.equals("..")) {
                throw new SourceException("file", where + " has a '..' path segment");
            }
        }
        if (name.indexOf('\0') >= 0) {
            throw new SourceException("file", where + " has a NUL character in its name");
        }
        if (!seen.add(name)) {
            throw new SourceException("file", where + " appears twice in the archive");
        }
        return where;
    }

    static String display(ArchiveEntry e) {
        return shorten(e.getName());
    }

    static String shorten(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() <= 120 ? clean : clean.substring(0, 120) + "...";
    }
}
