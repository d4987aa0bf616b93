"""The progress stream: a server-sent-events service that pushes import job status to browsers.

One LISTEN connection receives the `import_jobs` notifications that job updates send. The hub
re-reads each changed job once and fans the result out to every open stream of that job.
"""
