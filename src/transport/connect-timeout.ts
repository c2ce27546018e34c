import { type buildConnector, errors as undiciErrors } from 'undici';

/**
 * `connect` with a connect timeout that fires on time. undici's own (`buildConnector`'s `timeout`)
 * runs on its coarse timers, checked about every half second: a 200 ms timeout fires after 0.5 to
 * 1 s, so a request deadline shorter than that would report a connection never made as
 * `HEADERS_TIMEOUT`. Here a native timer per new connection (not per request: connections are
 * pooled) reports the timeout; undici's, still set on `connect`, destroys the socket a little
 * later. A connection made in between is closed at once.
 */
export function withConnectTimeout(
  connect: buildConnector.connector,
  timeoutMs: number,
): buildConnector.connector {
  return (options, callback) => {
    let answered = false;
    const timer = setTimeout(() => {
      answered = true;
      callback(
        new undiciErrors.ConnectTimeoutError(
          `no connection to ${options.hostname} within ${timeoutMs} ms`,
        ),
        null,
      );
    }, timeoutMs);
    connect(options, (...result) => {
      if (answered) {
        result[1]?.destroy();
        return;
      }
      answered = true;
      clearTimeout(timer);
      callback(...result);
    });
  };
}
