// The page's data files: "Add data file" reads the chosen files (File.arrayBuffer) and hands
// their bytes to the worker's session, where the language's open() reads them (and nothing
// else: wasm/PROTOCOL.md §2-3). The page keeps the bytes, so that a respawned worker (after a
// crash, a Stop that was not answered, a restart during a run) gets them again before it runs
// anything. They are not kept across reloads (a MovieLens file is 2 MB; localStorage holds 5).
// The list shows what the session confirmed, with each file's name, size and a remove button.

/** The largest file the core's open() reads (lang::kMaxFileBytes); bigger ones are not read at all. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

/**
 * "2.0 MB", "13.5 KB", "12 B".
 * @param {number} bytes
 * @returns {string}
 */
export function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export class DataFiles {
  /**
   * @param {object} options
   * @param {HTMLInputElement} options.input  the file input (data-testid add-data-file)
   * @param {HTMLElement} options.list  where the files are listed (data-testid data-files)
   * @param {(msg: object) => void} options.send  posts a message to the worker (Runtime.send)
   * @param {(text: string) => void} options.onError  shows a problem to the student
   */
  constructor({ input, list, send, onError }) {
    this.list = list;
    this.send = send;
    this.onError = onError;
    /** @type {Map<string, ArrayBuffer>} name -> bytes, in the order they were added */
    this.files = new Map();
    input.addEventListener('change', () => {
      const chosen = Array.from(input.files ?? []);
      input.value = '';
      this.addFiles(chosen);
    });
    this.render([]);
  }

  /**
   * Reads each file and sends it to the session (a file of the same name is replaced).
   * @param {File[]} files
   * @returns {Promise<void>}
   */
  async addFiles(files) {
    for (const f of files) {
      if (f.size > MAX_FILE_BYTES) {
        this.onError(`${f.name} is ${formatSize(f.size)}: open() reads files up to ${formatSize(MAX_FILE_BYTES)}.`);
        continue;
      }
      let bytes;
      try {
        bytes = await f.arrayBuffer();
      } catch (e) {
        this.onError(`Could not read ${f.name}: ${e instanceof Error ? e.message : String(e)}`);
        continue;
      }
      this.files.set(f.name, bytes);
      this.send({ type: 'addFile', name: f.name, data: bytes });
    }
  }

  /**
   * Removes a file from the page and the session.
   * @param {string} name
   */
  remove(name) {
    this.files.delete(name);
    this.send({ type: 'removeFile', name });
  }

  /** A new worker: sends it every file (call before anything else is posted to it). */
  resend() {
    for (const [name, bytes] of this.files) this.send({ type: 'addFile', name, data: bytes });
  }

  /**
   * The session's answer to an add or remove (the worker's `files` message).
   * @param {{name: string, size: number}[]} files
   * @param {{name: string, type: string, message: string}} [error]  a refused file
   */
  onFiles(files, error) {
    if (error) {
      this.files.delete(error.name);
      this.onError(`Could not add ${error.name}: ${error.type}: ${error.message}`);
    }
    this.render(files);
  }

  /** @param {{name: string, size: number}[]} files */
  render(files) {
    const items = files.map(({ name, size }) => {
      const li = document.createElement('li');
      li.dataset.name = name;
      const label = document.createElement('span');
      label.className = 'name';
      label.textContent = name;
      label.title = `open('${name}') reads it`;
      const bytes = document.createElement('span');
      bytes.className = 'size';
      bytes.textContent = formatSize(size);
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'remove';
      remove.textContent = '✕';
      remove.setAttribute('aria-label', `Remove ${name}`);
      remove.title = `Remove ${name}`;
      remove.addEventListener('click', () => this.remove(name));
      li.append(label, bytes, remove);
      return li;
    });
    this.list.replaceChildren(...items);
    this.list.hidden = items.length === 0;
  }
}
