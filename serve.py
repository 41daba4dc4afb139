"""The app as one replica of a district deployment: `streamlit run serve.py` serves exactly what
`streamlit run app.py` serves, plus two answers for the reverse proxy and the cluster's watcher
(deploy/README.md):

    /healthz   200 while the process runs (liveness)
    /readyz    200 when it can read its data and reach the shared store, else 503 with the reasons

One subdistrict on one server keeps using `streamlit run app.py`; nothing here changes it.
"""

from __future__ import annotations

import asyncio

import streamlit as st
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ui import health


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"alive": True})


async def readyz(request: Request) -> JSONResponse:
    answer = await asyncio.to_thread(health.readiness)
    body = {"ready": answer.ready, "checks": answer.checks, "seconds": round(answer.seconds, 3)}
    return JSONResponse(body, status_code=200 if answer.ready else 503)


app = st.App("app.py", routes=[Route("/healthz", healthz), Route("/readyz", readyz)])
