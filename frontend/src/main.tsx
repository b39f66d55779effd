import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { reloadOnStaleChunks } from './app/staleBuild';
import './styles/global.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

reloadOnStaleChunks();
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
