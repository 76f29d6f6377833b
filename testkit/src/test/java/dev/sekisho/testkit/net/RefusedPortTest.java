package dev.sekisho.testkit.net;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 1, unit = TimeUnit.MINUTES)
class RefusedPortTest {
  @Test
  void connectionsAreRefusedAndNoOneElseCanListenThere() throws Exception {
    try (RefusedPort refused = RefusedPort.open()) {
      InetSocketAddress address =
          new InetSocketAddress(InetAddress.getLoopbackAddress(), refused.port());
      try (Socket client = new Socket()) {
        assertThatThrownBy(() -> client.connect(address, 10_000))
            .isInstanceOf(ConnectException.class);
      }
      try (ServerSocket other = new ServerSocket()) {
        other.setReuseAddress(true);
        assertThatThrownBy(() -> other.bind(address)).isInstanceOf(BindException.class);
      }
    }
  }
}
