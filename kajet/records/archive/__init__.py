"""The year-end archive (archiwum roczne): the rules (``rules``, pure), the manifest and its
XAdES signature (``manifest``, ``signing``), building the ZIP (``build``), checking an
uploaded one (``verify``), and the writes (``services``) with the background job
(``tasks``)."""
