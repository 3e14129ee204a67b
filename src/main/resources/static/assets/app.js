// The upload page: GET models, POST classify or embed (multipart), render the answer. No framework, no build step.
// Server text is only ever written with textContent, never parsed as HTML.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const ui = {
    form: $('form'), model: $('model'), modelInfo: $('model-info'), taskField: $('task-field'), task: $('task'),
    topkField: $('topk-field'), topk: $('topk'), apikey: $('apikey'),
    drop: $('drop'), pick: $('pick'), file: $('file'), filename: $('filename'), classify: $('classify'),
    modelWarning: $('model-warning'), preview: $('preview'), previewImg: $('preview-img'),
    previewCaption: $('preview-caption'), status: $('status'), error: $('error'), result: $('result'),
    resultWarning: $('result-warning'), predictions: $('predictions'), details: $('details'),
    embedding: $('embedding'), embeddingSummary: $('embedding-summary'), embeddingHead: $('embedding-head'),
    embeddingValues: $('embedding-values'), copy: $('copy'), copyStatus: $('copy-status'),
    embeddingJson: $('embedding-json'), embeddingJsonLabel: $('embedding-json-label'),
  };
  /** How many leading values of an embedding are shown; the copy button gives all of them. */
  const SHOWN_VALUES = 8;

  // The API key lives in this variable only: never in storage, cookies or the URL, so a reload forgets it.
  let apiKey = '';
  let photo = null;
  let previewUrl = null;
  let catalogue = null;
  let latest = 0;
  let embedding = null;

  const authHeaders = () => (apiKey ? { 'X-API-Key': apiKey } : {});

  /** A value of the response as text: strings as they are, objects as "key: value" pairs. */
  function describe(v) {
    if (v === null || v === undefined) return '';
    if (typeof v === 'object') {
      return Array.isArray(v) ? v.map(describe).join(', ')
        : Object.entries(v).map(([k, x]) => `${k}: ${describe(x)}`).join(', ');
    }
    return String(v);
  }

  function setStatus(text) {
    ui.status.textContent = text;
  }

  function clearError() {
    ui.error.hidden = true;
    ui.error.textContent = '';
  }

  /** Shows an error: a heading line and an optional detail line. */
  function showError(heading, detail) {
    ui.error.textContent = '';
    const strong = document.createElement('strong');
    strong.textContent = heading;
    ui.error.append(strong);
    if (detail) {
      const p = document.createElement('p');
      p.textContent = detail;
      ui.error.append(p);
    }
    ui.error.hidden = false;
  }

  /** Reads an RFC 9457 problem (or whatever an intermediary sent) from a failed response. */
  async function readProblem(res) {
    let body = null;
    if ((res.headers.get('Content-Type') || '').includes('json')) {
      try {
        body = await res.json();
      } catch (e) {
        body = null;
      }
    }
    return {
      status: res.status,
      title: (body && body.title) || res.statusText || 'Error',
      detail: body && body.detail,
      retryAfter: res.headers.get('Retry-After'),
    };
  }

  /** Renders a failed call; a 401 asks for the API key and moves focus to its field. */
  function showProblem(action, p) {
    if (p.status === 401) {
      showError('This server requires an API key (401 Unauthorized).',
        `Enter your key in “API key” and press ${ui.classify.textContent}. ${p.detail || ''}`.trim());
      setStatus(`${action} needs an API key.`);
      ui.apikey.setAttribute('aria-invalid', 'true');
      ui.apikey.focus();
      return;
    }
    let detail = p.detail || '';
    if (p.retryAfter) {
      detail = `${detail} Retry after ${p.retryAfter} s.`.trim();
    }
    showError(`${p.title} (${p.status})`, detail);
    setStatus(`${action} failed: ${p.title}.`);
  }

  function networkError(action) {
    showError('The service could not be reached.', 'Check that it is running, then try again.');
    setStatus(`${action} failed: the service could not be reached.`);
  }

  function selectedModel() {
    return catalogue && catalogue.models.find((m) => m.name === ui.model.value);
  }

  /** What a model serves; a catalogue without `task` (an older server) means classification. */
  function tasksOf(m) {
    return m && Array.isArray(m.task) && m.task.length ? m.task : ['classify'];
  }

  /** The task to ask for: the user's pick where the model serves both, else the one it serves. */
  function currentTask() {
    const tasks = tasksOf(selectedModel());
    if (tasks.includes('classify') && tasks.includes('embed')) return ui.task.value;
    return tasks.includes('classify') || !tasks.includes('embed') ? 'classify' : 'embed';
  }

  /** Shows the task choice only for a model serving both, and top-k only when classifying. */
  function showTask() {
    const tasks = tasksOf(selectedModel());
    ui.taskField.hidden = !(tasks.includes('classify') && tasks.includes('embed'));
    const embed = currentTask() === 'embed';
    ui.topkField.hidden = embed;
    ui.classify.textContent = embed ? 'Embed' : 'Classify';
  }

  function showModelInfo() {
    const m = selectedModel();
    ui.modelWarning.hidden = true;
    showTask();
    if (!m) {
      ui.modelInfo.textContent = '';
      return;
    }
    const parts = [m.architecture, `${m.inputSize}×${m.inputSize} px`, `weights ${m.weights}`];
    if (!tasksOf(m).includes('classify')) parts.push('embedding only');
    const precision = m.precision !== undefined ? m.precision
      : catalogue.inference && catalogue.inference.precision;
    if (precision !== undefined && precision !== null) parts.push(`precision ${describe(precision)}`);
    if (m.execution !== undefined && m.execution !== null) parts.push(`execution ${describe(m.execution)}`);
    if (m.devices && m.devices.length) parts.push(`on ${m.devices.join(', ')}`);
    ui.modelInfo.textContent = parts.join(' · ');
    ui.topk.max = String(m.numClasses || 100);
    if (m.randomWeights || m.warning) {
      ui.modelWarning.textContent = m.warning
        || 'This model serves random weights: its predictions and embeddings are meaningless.';
      ui.modelWarning.hidden = false;
    }
  }

  async function loadModels() {
    let res;
    try {
      res = await fetch('models', { headers: { Accept: 'application/json', ...authHeaders() } });
    } catch (e) {
      networkError('Loading the models');
      return false;
    }
    if (!res.ok) {
      showProblem('Loading the models', await readProblem(res));
      ui.model.replaceChildren(new Option(res.status === 401 ? 'Enter the API key first' : 'Models unavailable', ''));
      return false;
    }
    catalogue = await res.json();
    ui.model.replaceChildren(...catalogue.models.map((m) => new Option(m.name, m.name, false,
      m.name === catalogue.defaultModel)));
    ui.model.disabled = false;
    showModelInfo();
    clearError();
    return true;
  }

  /** The warning and details every answer has: model, weights, precision, execution, batch size, timings. */
  function renderCommon(r) {
    ui.resultWarning.hidden = !(r.randomWeights || r.warning);
    ui.resultWarning.textContent = r.warning || (r.randomWeights ? 'Random weights: the answer is meaningless.' : '');
    const rows = [['Model', r.model], ['Weights', r.weights]];
    if (r.precision !== undefined && r.precision !== null) rows.push(['Precision', describe(r.precision)]);
    if (r.execution !== undefined && r.execution !== null) rows.push(['Execution', describe(r.execution)]);
    rows.push(['Batch size', r.batchSize]);
    const t = r.timings || {};
    for (const [name, key] of [['Decode', 'decodeMs'], ['Preprocess', 'preprocessMs'], ['Queue', 'queueMs'],
      ['Inference', 'inferenceMs'], ['Total', 'totalMs']]) {
      if (typeof t[key] === 'number') rows.push([name, `${t[key].toFixed(1)} ms`]);
    }
    ui.details.replaceChildren(...rows.flatMap(([k, v]) => {
      const dt = document.createElement('dt');
      dt.textContent = k;
      const dd = document.createElement('dd');
      dd.textContent = describe(v);
      return [dt, dd];
    }));
    ui.result.hidden = false;
  }

  function renderEmbedding(r) {
    embedding = r.embedding;
    ui.predictions.replaceChildren();
    const norm = Math.sqrt(embedding.reduce((s, x) => s + x * x, 0));
    ui.embeddingSummary.textContent = `${embedding.length}-d embedding, L2 norm ${norm.toFixed(3)}`;
    const shown = embedding.slice(0, SHOWN_VALUES);
    ui.embeddingHead.textContent = embedding.length > shown.length
      ? `First ${shown.length} of ${embedding.length} values:` : 'Values:';
    ui.embeddingValues.textContent = `[${shown.map((x) => x.toFixed(4)).join(', ')}`
      + `${embedding.length > shown.length ? ', …' : ''}]`;
    ui.copyStatus.textContent = '';
    ui.embeddingJson.hidden = true;
    ui.embeddingJsonLabel.hidden = true;
    ui.embedding.hidden = false;
    renderCommon(r);
    setStatus(`${r.model}: ${embedding.length}-d embedding, L2 norm ${norm.toFixed(3)}.`
      + `${r.randomWeights ? ' Random weights: meaningless.' : ''}`);
  }

  /** Copies the whole embedding; where the clipboard is unavailable (plain http), shows it selected instead. */
  async function copyEmbedding() {
    if (!embedding) return;
    const json = JSON.stringify(embedding);
    try {
      await navigator.clipboard.writeText(json);
      ui.copyStatus.textContent = `Copied ${embedding.length} values.`;
    } catch (e) {
      ui.embeddingJson.value = json;
      ui.embeddingJson.hidden = false;
      ui.embeddingJsonLabel.hidden = false;
      ui.embeddingJson.focus();
      ui.embeddingJson.select();
      ui.copyStatus.textContent = 'The browser refused the clipboard: the JSON is selected below, copy it from there.';
    }
  }

  function renderClassification(r) {
    embedding = null;
    ui.embedding.hidden = true;
    ui.predictions.replaceChildren(...r.predictions.map((p) => {
      const li = document.createElement('li');
      const head = document.createElement('div');
      head.className = 'row';
      const label = document.createElement('span');
      label.className = 'label';
      label.textContent = p.label;
      const pct = document.createElement('span');
      pct.className = 'pct';
      pct.textContent = `${(p.probability * 100).toFixed(2)} %`;
      head.append(label, pct);
      const bar = document.createElement('div');
      bar.className = 'bar';
      bar.setAttribute('aria-hidden', 'true');
      const fill = document.createElement('div');
      fill.className = 'fill';
      // CSSOM, not a style attribute: allowed by the page's CSP (no 'unsafe-inline').
      fill.style.width = `${Math.max(0, Math.min(1, p.probability)) * 100}%`;
      bar.append(fill);
      const index = document.createElement('span');
      index.className = 'index';
      index.textContent = `class ${p.index}`;
      li.append(head, bar, index);
      return li;
    }));
    renderCommon(r);

    const top = r.predictions[0];
    setStatus(top
      ? `${r.model}: top class “${top.label}” at ${(top.probability * 100).toFixed(2)} %; `
        + `${r.predictions.length} classes shown.${r.randomWeights ? ' Random weights: meaningless.' : ''}`
      : `${r.model}: no classes returned.`);
  }

  /** Posts the photo to /classify or /embed, whichever the chosen model and task call for. */
  async function classify() {
    if (!photo) {
      setStatus('Choose a photo first.');
      ui.pick.focus();
      return;
    }
    if (!catalogue && !(await loadModels())) {
      return;
    }
    const seq = ++latest;
    const task = currentTask();
    const action = task === 'embed' ? 'Embedding' : 'Classifying';
    const params = new URLSearchParams();
    if (ui.model.value) params.set('model', ui.model.value);
    if (task === 'classify' && ui.topk.value) params.set('topK', ui.topk.value.trim());
    const body = new FormData();
    body.append('image', photo, photo.name || 'image');
    clearError();
    ui.result.hidden = true;
    setStatus(`${action} ${photo.name || 'the image'}…`);
    let res;
    try {
      res = await fetch(`${task}?${params}`, {
        method: 'POST', headers: { Accept: 'application/json', ...authHeaders() }, body,
      });
    } catch (e) {
      if (seq === latest) networkError(action);
      return;
    }
    if (seq !== latest) return; // a newer request replaced this one
    if (!res.ok) {
      showProblem(action, await readProblem(res));
      return;
    }
    ui.apikey.removeAttribute('aria-invalid');
    const json = await res.json();
    // A batch answer is a list with one item per image; this page sends one image.
    const item = Array.isArray(json) ? json[0] : json;
    if (item && task === 'classify' && Array.isArray(item.predictions)) {
      renderClassification(item);
    } else if (item && task === 'embed' && Array.isArray(item.embedding)) {
      renderEmbedding(item);
    } else {
      const p = (item && (item.problem || item)) || {};
      showProblem(action, { status: p.status || res.status, title: p.title || 'Unexpected answer',
        detail: p.detail });
    }
  }

  function setPhoto(file) {
    if (!file) return;
    photo = file;
    const size = file.size < 1024 ? `${file.size} bytes` : `${Math.round(file.size / 1024)} KB`;
    ui.filename.textContent = `Selected: ${file.name} (${size})`;
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    previewUrl = URL.createObjectURL(file);
    ui.previewImg.hidden = false;
    ui.previewImg.alt = `The photo to classify: ${file.name}`;
    ui.previewImg.src = previewUrl;
    ui.previewCaption.textContent = file.name;
    ui.preview.hidden = false;
    classify();
  }

  ui.previewImg.addEventListener('load', () => {
    ui.previewCaption.textContent = `${photo.name} · ${ui.previewImg.naturalWidth}×${ui.previewImg.naturalHeight}`;
  });
  ui.previewImg.addEventListener('error', () => {
    ui.previewImg.hidden = true;
    ui.previewCaption.textContent = `${photo ? photo.name : 'This file'}: the browser cannot show it as an image.`;
  });

  ui.pick.addEventListener('click', () => ui.file.click());
  ui.file.addEventListener('change', () => {
    setPhoto(ui.file.files[0]);
    ui.file.value = ''; // choosing the same file again still fires change
  });

  // Drag and drop: the zone highlights while a file is over it; drops elsewhere do not navigate away.
  for (const type of ['dragenter', 'dragover']) {
    ui.drop.addEventListener(type, (e) => {
      e.preventDefault();
      ui.drop.classList.add('over');
    });
  }
  ui.drop.addEventListener('dragleave', () => ui.drop.classList.remove('over'));
  ui.drop.addEventListener('drop', (e) => {
    e.preventDefault();
    ui.drop.classList.remove('over');
    if (e.dataTransfer && e.dataTransfer.files.length) setPhoto(e.dataTransfer.files[0]);
  });
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => e.preventDefault());

  ui.model.addEventListener('change', () => {
    showModelInfo();
    if (photo) classify();
  });
  ui.task.addEventListener('change', () => {
    showTask();
    if (photo) classify();
  });
  ui.topk.addEventListener('change', () => {
    if (photo) classify();
  });
  ui.copy.addEventListener('click', copyEmbedding);
  ui.apikey.addEventListener('change', () => {
    apiKey = ui.apikey.value.trim();
  });
  ui.form.addEventListener('submit', async (e) => {
    e.preventDefault();
    apiKey = ui.apikey.value.trim();
    if (!catalogue && !(await loadModels())) return;
    if (photo) {
      classify();
    } else {
      setStatus('Models loaded. Choose a photo.');
      ui.pick.focus();
    }
  });

  loadModels();
})();
