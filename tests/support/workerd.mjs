// Tests start workers the way the demo does.
export { startWorker } from '../../www/backend/workerd.mjs';
