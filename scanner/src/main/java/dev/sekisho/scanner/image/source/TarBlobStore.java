package dev.sekisho.scanner.image.source;

import dev.sekisho.scanner.image.oci.ImageAccessException;
import dev.sekisho.scanner.layer.LayerWalker;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;
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

  TarBlobStore(Path tar) throws IOException {
    this.tar = tar;
    try (TarFile file = new TarFile(tar)) {
      for (TarArchiveEntry e : file.getEntries()) {
        if (LayerWalker.isRegularFile(e) && !e.isSparse()) {
          entries.put(normalize(e.getName()), new Span(e.getDataOffset(), e.getSize()));
        }
      }
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
