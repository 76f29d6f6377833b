package dev.sekisho.operator.tls;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A key manager whose certificate and key can be replaced while the server runs, so a renewed
 * serving certificate is used by the next TLS handshake without a restart. Each generation has its
 * own alias, so a handshake that chose an alias before a swap still gets the matching chain and key
 * (the previous generation is kept).
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager {
  private record Generation(String alias, X509Certificate[] chain, PrivateKey key) {}

  private record State(Generation current, Generation previous) {}

  private final AtomicReference<State> state = new AtomicReference<>();
  private long generations;

  public ReloadingKeyManager(PemKeyPair initial) throws GeneralSecurityException {
    replace(initial);
  }

  /** Serves {@code pair} from the next handshake on. */
  public synchronized void replace(PemKeyPair pair) throws GeneralSecurityException {
    Generation next =
        new Generation(
            "sekisho-" + ++generations,
            pair.chain().toArray(X509Certificate[]::new),
            pair.privateKey());
    State old = state.get();
    state.set(new State(next, old == null ? null : old.current()));
  }

  /** The leaf certificate served now. */
  public X509Certificate current() {
    return state.get().current().chain()[0];
  }

  /** A TLS server context serving through {@code keys}. */
  public static SSLContext serverContext(ReloadingKeyManager keys) throws GeneralSecurityException {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(new javax.net.ssl.KeyManager[] {keys}, null, null);
    return ctx;
  }

  private Generation byAlias(String alias) {
    State s = state.get();
    if (s.current().alias().equals(alias)) {
      return s.current();
    }
    return s.previous() != null && s.previous().alias().equals(alias) ? s.previous() : null;
  }

  private String alias(String keyType) {
    Generation g = state.get().current();
    String algorithm = g.key().getAlgorithm();
    return keyType == null
            || keyType.equalsIgnoreCase(algorithm)
            || ("RSA".equals(algorithm) && keyType.startsWith("RSA"))
            || ("EC".equals(algorithm) && keyType.startsWith("EC"))
        ? g.alias()
        : null;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return alias(keyType);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return alias(keyType);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    String a = alias(keyType);
    return a == null ? null : new String[] {a};
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    Generation g = byAlias(alias);
    return g == null ? null : g.chain().clone();
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    Generation g = byAlias(alias);
    return g == null ? null : g.key();
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null; // a server key manager: no client certificates
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    return null;
  }
}
