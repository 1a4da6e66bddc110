"""Monaco, VS Code's editor, in a QtWebEngine view: the action editor with Auth0's types, the JSON event
editors with a schema, and the diff viewer. The page (page/) talks to Python over QWebChannel; Monaco's
files come from the npm registry into the user cache (assets), served to the page by a URL scheme
handler (scheme). When Monaco can't be had, the app's own editors are used (app/widgets/editors.py)."""
