import { redactedUrl } from './logging';

describe(redactedUrl.name, () => {
  it.each([
    ['/api/runs/r1?token=s3cret&afterSeq=2', '/api/runs/r1?token=[Redacted]&afterSeq=2'],
    ['/api/campaigns?access_token=a.b.c', '/api/campaigns?access_token=[Redacted]'],
    ['/api/runs?api-key=k&API_KEY=k2&x=1', '/api/runs?api-key=[Redacted]&API_KEY=[Redacted]&x=1'],
    ['/api/runs?acc%65ss_token=s3cret', '/api/runs?acc%65ss_token=[Redacted]'],
    ['/api/runs?page=2&pageSize=10', '/api/runs?page=2&pageSize=10'],
    ['/api/runs/r1', '/api/runs/r1'],
    ['/api/runs?token', '/api/runs?token'],
  ])('logs %s as %s', (url, logged) => {
    expect(redactedUrl(url)).toBe(logged);
  });
});
