package dev.sekisho.scanner.image.source;

import dev.sekisho.scanner.image.oci.ImageAccessException;
import dev.sekisho.scanner.layer.LayerWalker;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.io.input.BoundedInputStream;

/**
 * Files inside an uncompressed tar, read in place: the tar's headers are indexed once, then each
 * file is read from its offset through its own channel (so several layers can be read at once).
 * Nothing is extracted.
 */
final class TarBlobStore implements BlobStore {
  private record Span(long offset, long size) {}

  private final Path tar;
  private final Map<String, Span> entries = new HashMap<>();

  TarBlobStore(Path tar, ArchiveLimits limits) throws IOException {
    this.tar = tar;
    // Headers are read one at a time (commons-compress's TarFile would list every entry before
    // the first could be counted); the stream position after a header is its entry's data offset.
    try (InputStream file = new BufferedInputStream(Files.newInputStream(tar), 1 << 16);
        BoundedInputStream counted = BoundedInputStream.builder().setInputStream(file).get();
        TarArchiveInputStream in = new TarArchiveInputStream(counted)) {
      long count = 0;
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        if (++count > limits.maxEntries()) {
          throw new ImageAccessException(
              ImageAccessException.Reason.INVALID,
              "the archive "
                  + tar
                  + " has more than "
                  + limits.maxEntries()
                  + " entries, the limit for an image archive (an image has a few per layer);"
                  + " SEKISHO_JAVA_OPTS=-D"
                  + ArchiveLimits.MAX_ENTRIES_PROPERTY
                  + "=N raises it");
        }
        if (LayerWalker.isRegularFile(e) && !e.isSparse()) {
          entries.put(normalize(e.getName()), new Span(counted.getCount(), e.getSize()));
        }
      }
    } catch (ImageAccessException e) {
      throw e;
    } catch (IOException e) {
      throw new ImageAccessException(
          ImageAccessException.Reason.INVALID,
          "cannot read the archive " + tar + ": " + e.getMessage(),
          e);
    }
  }

  private static String normalize(String name) {
    String n = name;
    while (n.startsWith("./")) {
      n = n.substring(2);
    }
    while (n.startsWith("/")) {
      n = n.substring(1);
    }
    return n;
  }

  @Override
  public InputStream open(String path) throws IOException {
    Span span = entries.get(normalize(path));
    if (span == null) {
      throw new ImageAccessException(
          ImageAccessException.Reason.NOT_FOUND, path + " not found in the archive " + tar);
    }
    FileChannel channel = FileChannel.open(tar, StandardOpenOption.READ);
    channel.position(span.offset());
    return BoundedInputStream.builder()
        .setInputStream(Channels.newInputStream(channel))
        .setMaxCount(span.size())
        .setPropagateClose(true)
        .get();
  }

  @Override
  public long size(String path) {
    Span span = entries.get(normalize(path));
    return span == null ? -1 : span.size();
  }

  @Override
  public String describe() {
    return "archive " + tar;
  }
}
