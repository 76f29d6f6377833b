package dev.sekisho.scanner.testing;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Builds small tar files (layers, archives) in memory for tests. */
public final class TarBuilder {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final TarArchiveOutputStream tar;

  public TarBuilder() {
    tar = new TarArchiveOutputStream(bytes);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
  }

  public TarBuilder file(String name, String content) {
    return file(name, content.getBytes(StandardCharsets.UTF_8), 0644);
  }

  public TarBuilder file(String name, byte[] content, int mode) {
    try {
      TarArchiveEntry e = new TarArchiveEntry(name);
      e.setSize(content.length);
      e.setMode(0100000 | mode);
      tar.putArchiveEntry(e);
      tar.write(content);
      tar.closeArchiveEntry();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public TarBuilder dir(String name) {
    return entry(new TarArchiveEntry(name.endsWith("/") ? name : name + "/"));
  }

  public TarBuilder symlink(String name, String target) {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
    e.setLinkName(target);
    return entry(e);
  }

  public TarBuilder hardlink(String name, String target) {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_LINK);
    e.setLinkName(target);
    return entry(e);
  }

  /** A whiteout deleting {@code path} from lower layers. */
  public TarBuilder whiteout(String path) {
    int slash = path.lastIndexOf('/');
    String name =
        slash < 0
            ? ".wh." + path
            : path.substring(0, slash + 1) + ".wh." + path.substring(slash + 1);
    return file(name, new byte[0], 0644);
  }

  /** Marks {@code dir} opaque. */
  public TarBuilder opaque(String dir) {
    return file(dir + "/.wh..wh..opq", new byte[0], 0644);
  }

  private TarBuilder entry(TarArchiveEntry e) {
    try {
      tar.putArchiveEntry(e);
      tar.closeArchiveEntry();
      return this;
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  /** The uncompressed tar. */
  public byte[] tar() {
    try {
      tar.finish();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public byte[] gzip() {
    return gzip(tar());
  }

  public byte[] zstd() {
    return zstd(tar());
  }

  public static byte[] gzip(byte[] data) {
    return compress(data, out -> new GZIPOutputStream(out));
  }

  public static byte[] zstd(byte[] data) {
    return compress(data, out -> new ZstdOutputStream(out));
  }

  private interface Wrapper {
    OutputStream wrap(OutputStream out) throws IOException;
  }

  private static byte[] compress(byte[] data, Wrapper wrapper) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream z = wrapper.wrap(out)) {
      z.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
