@echo off
rem License Link "FlexLM license link" node startup (Junction, step 6 of RUNBOOK.md (azure-nodes, License Link (seed 000))).
rem HPC Pack runs this from the unpacked package; it hands over to licenselink-node.ps1 beside it.
rem Exit code: that of licenselink-node.ps1 (0 done, 1 failed, 2 prerequisite missing).
powershell.exe -NoProfile -ExecutionPolicy Bypass -File "%~dp0licenselink-node.ps1"
exit /b %ERRORLEVEL%
