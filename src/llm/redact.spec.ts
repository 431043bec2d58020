import { redactSecrets } from './redact';

describe(redactSecrets.name, () => {
  it.each([
    ['Incorrect API key provided: Bearer sk-proj-abc123DEF456', 'Incorrect API key provided: Bearer ***'],
    ['Incorrect API key provided: sk-abcdef1234567890.', 'Incorrect API key provided: sk-***.'],
    ['denied for api-key: 0123456789abcdef', 'denied for api-key: ***'],
    ['{"api_key":"0123456789abcdef","x":1}', '{"api_key":"***","x":1}'],
    ['token=abc.def.ghi&x=1', 'token=***&x=1'],
  ])('redacts credentials in %j', (text, expected) => {
    expect(redactSecrets(text)).toBe(expected);
  });

  it('redacts every occurrence of a configured secret, whatever it looks like', () => {
    expect(redactSecrets('key 9f8e7d6c5b4a was refused; 9f8e7d6c5b4a is not valid', ['9f8e7d6c5b4a'])).toBe('key *** was refused; *** is not valid');
  });

  it('leaves ordinary text and too-short secrets alone', () => {
    expect(redactSecrets('The model endpoint answered 500: server_error', ['short', undefined])).toBe('The model endpoint answered 500: server_error');
  });
});
