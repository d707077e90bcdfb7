//! What a task definition needs from its execution role. Not written yet.
