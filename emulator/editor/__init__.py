"""What an editor needs to know about actions, derived from the trigger registry as plain text and data
(no Qt): TypeScript declarations of each trigger's `event` and `api` (declarations), a JSON Schema of
its event for the event editors (event_schema), and warnings about code that will fail at run time
(lint). The app's editors only load what these return."""
