import { CliError } from '../errors.js';
import { readTextFile } from './read-text.js';
import { createSequenceTask } from './sequence-task.js';
import type { Task, TaskInfo } from './task.js';
import { createTextTask, textFingerprint } from './text-task.js';

export { IGNORE_INDEX, TASK_NAMES, type Batch, type Example, type SequenceTask, type Task, type TaskInfo, type TaskName, type TextTask } from './task.js';
export { CharTokenizer, type TokenizerInfo } from './tokenizer.js';

/**
 * Builds the task a checkpoint or the command line describes. A text task rereads its file;
 * when `info.fingerprint` is set (a resumed run) the file must not have changed.
 */
export async function loadTask(info: TaskInfo, blockSize: number): Promise<Task> {
  if (info.name !== 'text') return createSequenceTask(info);
  const text = await readTextFile(info.dataPath);
  if (info.fingerprint !== '' && textFingerprint(text) !== info.fingerprint) {
    throw new CliError(`data file ${info.dataPath} changed since the checkpoint was written; train from scratch or restore the file`);
  }
  return createTextTask({ text, dataPath: info.dataPath, blockSize, valFraction: info.valFraction, evalSize: info.evalSize });
}
