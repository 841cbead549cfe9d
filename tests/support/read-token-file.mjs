// A CLI process that reads a token file (refreshing it when due) and prints
// the tokens: tests run two at once (tests/node/login.test.mjs).
import { cotter, getTokenFromFile } from 'edgetoken';

const [file, baseUrl, apiKeyId] = process.argv.slice(2);
const tokens = await getTokenFromFile(file, { provider: cotter({ apiKeyId, baseUrl }) });
process.stdout.write(JSON.stringify(tokens));
