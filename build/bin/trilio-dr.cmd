@echo off
rem trilio-dr: the Trilio DR Wizard command line on the bundled Electron as Node.js (see bin/trilio-dr).
setlocal
set "RESOURCES=%~dp0.."
set "ELECTRON_RUN_AS_NODE=1"
set "TRILIO_DR_SQLITE_BINDING=%RESOURCES%\app.asar.unpacked\node_modules\better-sqlite3\build\Release\better_sqlite3.node"
"%RESOURCES%\..\trilio-dr-wizard.exe" "%RESOURCES%\cli\trilio-dr.cjs" %*
exit /b %ERRORLEVEL%
