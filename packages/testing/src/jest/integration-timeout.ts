// Integration tests start brokers and databases; Jest ignores testTimeout inside `projects`.
jest.setTimeout(60_000);
