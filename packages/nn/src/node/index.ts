export { loadSafetensorsFile, saveSafetensorsFile } from './safetensors-file.js';
export { writeFileAtomic } from './write-file-atomic.js';
export { saveSafetensors, loadSafetensors, saveModule, loadModule, saveOptimizer, loadOptimizer } from './checkpoint-files.js';
