import nock from 'nock';

// Network sealed: anything but loopback is an error, so a test can never reach Graph or the Bot Connector for real.
nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/);

afterAll(() => {
  nock.cleanAll();
  // Replies held back with .delay() keep their timer after the client gave up (graphClient's 60 s one kept Jest from
  // exiting for a minute): cleared with the file.
  nock.abortPendingRequests();
});
