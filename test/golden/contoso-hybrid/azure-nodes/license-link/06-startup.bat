@echo off
rem License Link "FlexLM license link" node startup (Junction, step 6 of RUNBOOK.md (azure-nodes, License Link (seed 000))).
rem HPC Pack runs this from the unpacked package; it hands over to licenselink-node.ps1 beside it.
rem Exit code 0 always: a failing startup script can keep HPC Pack from bringing the node online, and the
rem scheduled task the script registers dials again. The script's own code goes to the log below.
if not exist "%ProgramData%\Junction\logs" mkdir "%ProgramData%\Junction\logs"
powershell.exe -NoProfile -ExecutionPolicy Bypass -File "%~dp0licenselink-node.ps1"
>> "%ProgramData%\Junction\logs\license-link-startup.log" echo %DATE% %TIME% licenselink-node.ps1 exited with code %ERRORLEVEL% (0 done, 1 failed, 2 prerequisite missing)
exit /b 0
