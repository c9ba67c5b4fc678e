export { loadSafetensorsFile, saveSafetensorsFile } from './safetensors-file.js';
export { writeFileAtomic } from './write-file-atomic.js';
