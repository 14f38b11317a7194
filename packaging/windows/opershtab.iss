; Inno Setup 6 script for Оперштаб (Windows x64).
; NOT BUILT OR TESTED HERE: this repository is built on Linux; see BUILD_WINDOWS.md.
; Input: dist\opershtab\ from `pyinstaller packaging\opershtab.spec` run on Windows.
; Build: "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 packaging\windows\opershtab.iss

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define Root "..\.."

[Setup]
AppId={{5B7C2E3A-8F4D-4C1B-9E62-0A3D7F1E5C90}
AppName=Оперштаб
AppVersion={#AppVersion}
AppPublisher=Opershtab
DefaultDirName={autopf}\Opershtab
DefaultGroupName=Оперштаб
DisableProgramGroupPage=yes
OutputDir={#Root}\dist
OutputBaseFilename=opershtab-{#AppVersion}-setup
SetupIconFile={#Root}\packaging\opershtab.ico
UninstallDisplayIcon={app}\opershtab.exe
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Per-machine install; the database stays in %LOCALAPPDATA%\opershtab and survives upgrades.
PrivilegesRequired=admin

[Languages]
Name: "russian"; MessagesFile: "compiler:Languages\Russian.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
Source: "{#Root}\dist\opershtab\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\Оперштаб"; Filename: "{app}\opershtab.exe"
Name: "{group}\{cm:UninstallProgram,Оперштаб}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\Оперштаб"; Filename: "{app}\opershtab.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\opershtab.exe"; Description: "{cm:LaunchProgram,Оперштаб}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only the install folder; user data in %LOCALAPPDATA%\opershtab is kept on purpose.
Type: filesandordirs; Name: "{app}"
