// The editor page. Python sends commands ({op, ...} as JSON) on bridge.command; the page posts what
// happens ({type, ...} as JSON) with bridge.post. `?mode=` is code (an action: TypeScript service with
// the trigger's declarations), json (an event, checked against a schema) or diff (read-only, two sides).
'use strict';
(function () {
  const mode = new URLSearchParams(location.search).get('mode') || 'code';
  const state = { editor: null, diff: null, applying: false, decorations: null, breakpoints: [], exec: null,
                  coverage: [],
                  hoverEval: false, hovers: new Map(), nextHover: 1, bridge: null, pending: [] };
  const EXPR = /[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*/g;
  window.MonacoEnvironment = { getWorkerUrl: () => 'ae-editor://app/monaco/vs/base/worker/workerMain.js' };
  require.config({ paths: { vs: 'ae-editor://app/monaco/vs' } });

  function post(message) {
    if (state.bridge) state.bridge.post(JSON.stringify(message));
  }

  function model() {
    return state.editor ? state.editor.getModel() : null;
  }

  function markers(owner, items) {
    const m = model();
    if (!m) return;
    const severity = { error: monaco.MarkerSeverity.Error, warning: monaco.MarkerSeverity.Warning,
                       info: monaco.MarkerSeverity.Info };
    monaco.editor.setModelMarkers(m, owner, items.map((i) => {
      const line = Math.min(Math.max(1, i.line), m.getLineCount());
      return {
        startLineNumber: line, endLineNumber: i.endLine || line,
        startColumn: i.column || m.getLineFirstNonWhitespaceColumn(line) || 1,
        endColumn: i.endColumn || m.getLineMaxColumn(line),
        severity: severity[i.severity] || monaco.MarkerSeverity.Error, message: i.message, source: i.source,
      };
    }));
  }

  function redecorate() {
    if (!state.editor) return;
    const items = state.breakpoints.map((b) => ({
      range: new monaco.Range(b.line, 1, b.line, 1),
      options: { glyphMarginClassName: b.log ? 'ae-bp-log' : (b.condition ? 'ae-bp-cond' : 'ae-bp'),
                 glyphMarginHoverMessage: { value: b.log ? `Logpoint: ${b.log}` : (b.condition ? `Breakpoint if ${b.condition}` : 'Breakpoint') } },
    }));
    const lines = model() ? model().getLineCount() : 0;
    for (const c of state.coverage) {
      if (c.line > lines) continue;
      const times = c.count === 1 ? 'once' : `${c.count} times`;
      items.push({ range: new monaco.Range(c.line, 1, c.line, 1),
                   options: { isWholeLine: true, linesDecorationsClassName: c.count > 0 ? 'ae-cov-hit' : 'ae-cov-miss',
                              hoverMessage: { value: c.count > 0 ? `Coverage: ran ${times} in the last run`
                                                                  : 'Coverage: did not run in the last run' } } });
    }
    if (state.exec) {
      items.push({ range: new monaco.Range(state.exec, 1, state.exec, 1),
                   options: { isWholeLine: true, className: 'ae-exec-line', glyphMarginClassName: 'ae-exec' } });
    }
    state.decorations.set(items);
  }

  function theme(t) {
    const root = document.documentElement.style;
    for (const [name, value] of Object.entries(t.vars)) root.setProperty(`--ae-${name}`, value);
    monaco.editor.defineTheme('ae', { base: t.dark ? 'vs-dark' : 'vs', inherit: true, rules: t.rules, colors: t.colors });
    monaco.editor.setTheme('ae');
  }

  function setContext(c) {
    const ts = monaco.languages.typescript.typescriptDefaults;
    const libs = [{ content: c.declarations, filePath: 'file:///actions-emulator/trigger.d.ts' }];
    for (const [path, content] of Object.entries(c.libs || {})) libs.push({ content, filePath: path });
    ts.setExtraLibs(libs);
  }

  const commands = {
    setText(c) {
      state.applying = true;
      try {
        if (state.editor.getValue() !== c.text) state.editor.setValue(c.text);
      } finally { state.applying = false; }
    },
    setContext,
    setSchema(c) {
      monaco.languages.json.jsonDefaults.setDiagnosticsOptions({
        validate: true, allowComments: false,
        schemas: [{ uri: 'ae-editor://app/schema/event.json', fileMatch: ['*'], schema: c.schema }] });
    },
    markers(c) { markers(c.owner, c.items); },
    breakpoints(c) { state.breakpoints = c.items; redecorate(); },
    coverage(c) { state.coverage = c.items || []; redecorate(); },
    glyphs(c) { state.editor.updateOptions({ glyphMargin: c.on }); },
    exec(c) {
      state.exec = c.line || null;
      redecorate();
      if (c.line) {
        state.editor.revealLineInCenterIfOutsideViewport(c.line);
        state.editor.setPosition({ lineNumber: c.line, column: model().getLineFirstNonWhitespaceColumn(c.line) || 1 });
      }
    },
    reveal(c) {
      state.editor.revealLineInCenter(c.line);
      state.editor.setPosition({ lineNumber: c.line, column: model().getLineFirstNonWhitespaceColumn(c.line) || 1 });
      state.editor.focus();
    },
    readOnly(c) { state.editor.updateOptions({ readOnly: c.value }); },
    theme,
    diff(c) {
      const old = state.diff.getModel();
      state.diff.setModel({ original: monaco.editor.createModel(c.original, c.language),
                            modified: monaco.editor.createModel(c.modified, c.language) });
      if (old) { old.original.dispose(); old.modified.dispose(); }
    },
    hoverEval(c) { state.hoverEval = c.on; },
    hoverReply(c) {
      const resolve = state.hovers.get(c.id);
      if (resolve) { state.hovers.delete(c.id); resolve(c.text); }
    },
    focus() { (state.editor || state.diff).focus(); },
    command(c) {  // the Edit menu's commands, by Monaco's command id
      const editor = state.editor || state.diff.getModifiedEditor();
      editor.focus();
      editor.trigger('menu', c.id, null);
    },
  };

  function run(c) {
    try {
      commands[c.op](c);
    } catch (e) {
      post({ type: 'error', message: `${c.op}: ${e && e.message}` });
    }
  }

  function hoverProvider() {
    return {
      provideHover(m, position) {
        if (!state.hoverEval) return null;
        const line = m.getLineContent(position.lineNumber);
        for (const match of line.matchAll(EXPR)) {
          const start = match.index + 1, end = start + match[0].length;
          if (position.column < start || position.column > end) continue;
          // The dotted name up to the part under the mouse: `event.user` when over "user" of event.user.email.
          const rest = match[0].slice(position.column - start).split('.')[0];
          const expr = match[0].slice(0, position.column - start) + rest;
          const id = state.nextHover++;
          post({ type: 'hover', id, expr });
          return new Promise((resolve) => {
            state.hovers.set(id, (text) => resolve(text ? { contents: [{ value: '```\n' + text + '\n```' }] } : null));
            setTimeout(() => { if (state.hovers.delete(id)) resolve(null); }, 3000);
          });
        }
        return null;
      },
    };
  }

  function createEditor() {
    const root = document.getElementById('root');
    const common = { automaticLayout: true, fontSize: 13, minimap: { enabled: false }, scrollBeyondLastLine: false,
                     fixedOverflowWidgets: true, theme: 'vs' };
    if (mode === 'diff') {
      state.diff = monaco.editor.createDiffEditor(root, { ...common, readOnly: true, originalEditable: false,
                                                          renderSideBySide: true, enableSplitViewResizing: true });
      return;
    }
    const json = mode === 'json';
    const uri = monaco.Uri.parse(json ? 'inmemory://event/event.json' : 'file:///action.ts');
    const m = monaco.editor.createModel('', json ? 'json' : 'typescript', uri);
    state.editor = monaco.editor.create(root, { ...common, model: m, glyphMargin: false, tabSize: 2,
                                                 autoClosingBrackets: 'always', matchBrackets: 'always',
                                                 bracketPairColorization: { enabled: true } });
    state.decorations = state.editor.createDecorationsCollection([]);
    m.onDidChangeContent(() => { if (!state.applying) post({ type: 'changed', text: m.getValue() }); });
    state.editor.onMouseDown((e) => {
      const t = e.target.type, T = monaco.editor.MouseTargetType;
      if ((t !== T.GUTTER_GLYPH_MARGIN && t !== T.GUTTER_LINE_NUMBERS) || !e.target.position) return;
      if (!state.editor.getOption(monaco.editor.EditorOption.glyphMargin)) return;
      const line = e.target.position.lineNumber;
      post({ type: e.event.rightButton ? 'gutterMenu' : 'gutter', line });
    });
    const K = monaco.KeyMod, C = monaco.KeyCode;
    state.editor.addCommand(C.F9, () => post({ type: 'gutter', line: state.editor.getPosition().lineNumber }));
    state.editor.addCommand(K.CtrlCmd | C.KeyS, () => post({ type: 'key', name: 'save' }));
    // VS Code's Ctrl+D (add the next match to the selection) is Monaco's own; deploy is Ctrl+Shift+D.
    state.editor.addCommand(K.CtrlCmd | K.Shift | C.KeyD, () => post({ type: 'key', name: 'deploy' }));
    if (!json) {
      const ts = monaco.languages.typescript;
      ts.typescriptDefaults.setCompilerOptions({
        target: ts.ScriptTarget.ES2022, lib: ['es2022', 'dom'], allowNonTsExtensions: true, noLib: false,
        moduleResolution: ts.ModuleResolutionKind.NodeJs, allowJs: true, checkJs: false });
      // Node, the runtime, reports syntax errors (as the action will meet them) and lint the rest:
      // TypeScript's checks would flag valid JavaScript.
      ts.typescriptDefaults.setDiagnosticsOptions({ noSemanticValidation: true, noSyntaxValidation: true,
                                                    noSuggestionDiagnostics: true });
      monaco.languages.registerHoverProvider('typescript', hoverProvider());
    }
  }

  // Tests and diagnostics read the editor's state through this.
  window.ae = {
    get editor() { return state.editor; },
    get diff() { return state.diff; },
    tokens(line) { return monaco.editor.tokenize(model().getLineContent(line), model().getLanguageId())[0]; },
    markers() { return monaco.editor.getModelMarkers({ resource: model().uri }); },
    coverage() { return state.coverage; },
  };

  require(['vs/editor/editor.main'], () => {
    createEditor();
    new QWebChannel(qt.webChannelTransport, (channel) => {
      state.bridge = channel.objects.bridge;
      state.bridge.command.connect((text) => run(JSON.parse(text)));
      post({ type: 'ready' });
    });
  });
})();
