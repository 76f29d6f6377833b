package dev.sekisho.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed serving certificate for the operator's scan API on 127.0.0.1, written as the
 * operator reads a mounted TLS Secret ({@code tls.crt}, {@code tls.key} as PKCS#8 PEM). The step
 * trusts {@code tls.crt} through {@code --server-ca}, as it trusts a cluster's service CA.
 *
 * <p>Made with the JDK's keytool: the JDK has no public API to sign a certificate, and keytool
 * ships with every JDK.
 */
final class ServingCertificate {
  private static final char[] PASSWORD = "e2e-only".toCharArray();

  private ServingCertificate() {}

  /** Writes {@code tls.crt} and {@code tls.key} into {@code dir}; returns the certificate file. */
  static Path write(Path dir) throws IOException, GeneralSecurityException, InterruptedException {
    Files.createDirectories(dir);
    Path store = dir.resolve("scan-api.p12");
    Files.deleteIfExists(store);
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "tls",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-validity",
                "2",
                "-dname",
                "CN=sekisho-scan-api",
                "-ext",
                "san=ip:127.0.0.1,dns:localhost",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                new String(PASSWORD),
                "-keypass",
                new String(PASSWORD))
            .redirectErrorStream(true)
            .start();
    String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
      throw new GeneralSecurityException("keytool could not make a certificate: " + output);
    }
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keys.load(in, PASSWORD);
    }
    Key key = keys.getKey("tls", PASSWORD);
    Certificate cert = keys.getCertificate("tls");
    Path crt = dir.resolve("tls.crt");
    Files.writeString(crt, pem("CERTIFICATE", cert.getEncoded()));
    Files.writeString(dir.resolve("tls.key"), pem("PRIVATE KEY", key.getEncoded()));
    Files.delete(store);
    return crt;
  }

  private static String pem(String type, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return String.join(
        "\n", List.of("-----BEGIN " + type + "-----", body, "-----END " + type + "-----", ""));
  }
}
