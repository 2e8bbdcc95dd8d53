import nock from 'nock';

// Network sealed: anything but loopback is an error, so a test can never reach Graph or the Bot Connector for real.
nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/);

afterAll(() => {
  nock.cleanAll();
});
